package sscard.sim;

import java.io.IOException;
import java.io.PrintStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import jdk.net.ExtendedSocketOptions;

/**
 * A simulated card in pcscd's virtual reader: a client of vsmartcard's vpcd driver.
 *
 * <pre>
 * java -cp simulator/target/sscard-simulator.jar sscard.sim.VpcdMain [--host 127.0.0.1] [--port 35963]
 *     [--applet CLASS:AIDHEX[:DATAHEX]]... [--connect-timeout-ms 10000] [--control-port N] [--fault NAME]
 * </pre>
 *
 * <p>vpcd (pcscd with {@code vsmartcard-vpcd}) listens on TCP 35963 for reader
 * {@code Virtual PCD 00 00} and 35964 for {@code Virtual PCD 00 01}, on all interfaces: this
 * client only ever connects to a loopback address and refuses any other {@code --host} (exit 2).
 * It retries every 100 ms until {@code --connect-timeout-ms} has passed, then prints
 * {@code error: no vpcd listening on HOST:PORT (is pcscd running with vsmartcard-vpcd?)} and exits
 * 3. Connected, it prints one line {@code SSCARD-VPCD-CONNECTED HOST:PORT} to stdout and serves
 * the card ({@link VpcdClient}) until pcscd closes the connection: then one line on stderr and exit
 * 0. SIGTERM exits at once (143). Bad arguments: one line on stderr, exit 2. Applets as for
 * {@link GatewayMain}. It does not watch stdin (it may run detached).
 *
 * <p>{@code --control-port N} (0: an ephemeral port; absent: none) opens, before connecting to
 * vpcd, the same py4j gateway as {@link GatewayMain} (127.0.0.1 only, auth token from
 * {@value GatewayMain#AUTH_TOKEN_ENV} if set, a {@link GatewayEntryPoint}) over the very card pcscd
 * sees, and prints {@code SSCARD-GATEWAY-PORT <port>} to stdout first. Through it Python can call
 * {@code freshCard}, {@code powerCycle}, {@code medianTransmitNanos} and the rest; pcscd sees a
 * fresh card as the same card still inserted (same ATR), and the next APDU finds nothing selected,
 * as after a power-up. Its {@code shutdown()} closes the vpcd connection (pcscd sees the card
 * removed) and exits 0, also while still connecting. A control port in use prints
 * {@code error: port N is already in use} and exits 2.
 *
 * <p>Latency: TCP_NODELAY is set, TCP_QUICKACK is re-armed before every read (Linux clears it),
 * and each reply is one write. vpcd 0.8 writes length and payload separately; without quick ACKs
 * each APDU would wait ~40 ms for the delayed ACK.
 */
public final class VpcdMain {

    public static final String CONNECTED_LINE_PREFIX = "SSCARD-VPCD-CONNECTED ";
    static final int DEFAULT_PORT = 35963;
    static final int DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
    static final int RETRY_INTERVAL_MS = 100;
    /** How long {@code shutdown()} waits before stopping, so that its py4j answer goes out first. */
    static final int SHUTDOWN_DELAY_MS = 50;

    static final String USAGE = "usage: java -cp sscard-simulator.jar sscard.sim.VpcdMain"
            + " [--host 127.0.0.1] [--port 35963] [--applet CLASS:AIDHEX[:DATAHEX]]..."
            + " [--connect-timeout-ms 10000] [--control-port N] [--fault NAME]";

    private static final Set<String> OPTIONS =
            Set.of("--host", "--port", "--applet", "--connect-timeout-ms", "--control-port", "--fault");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private VpcdMain() {
    }

    /**
     * Stopping a running card from outside {@link #run}: SIGTERM's shutdown hook, or the control
     * gateway's {@code shutdown()}. Stopping closes the vpcd socket (or ends the connect retries);
     * {@link #run} then returns 0 quietly.
     */
    static final class Lifecycle {
        private final AtomicReference<Socket> connection = new AtomicReference<>();
        private final AtomicBoolean stopping = new AtomicBoolean();
        private volatile boolean shutdownRequested;
        /** The control gateway once listening (for tests), else null. */
        volatile GatewayMain.Gateway gateway;

        /** Stops: closes the vpcd connection if there is one, and any later one at once. */
        void stop() {
            stopping.set(true);
            closeQuietly(connection.get());
        }

        /** The control gateway's shutdown(): stops a moment later, so that the call answers first. */
        void shutdownSoon() {
            shutdownRequested = true;
            Thread stopper = new Thread(() -> {
                try {
                    Thread.sleep(SHUTDOWN_DELAY_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                stop();
            }, "sscard-vpcd-shutdown");
            stopper.setDaemon(true);
            stopper.start();
        }

        boolean stopping() {
            return stopping.get();
        }

        void connected(Socket socket) {
            connection.set(socket);
            if (stopping.get()) {
                closeQuietly(socket);
            }
        }
    }

    public static void main(String[] args) {
        Lifecycle lifecycle = new Lifecycle();
        AtomicBoolean terminating = new AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // SIGTERM: close the socket so the reader leaves its blocking read at once (HotSpot
            // waits up to 300 ms at exit for threads still in native code)
            terminating.set(true);
            lifecycle.stop();
        }, "sscard-vpcd-stop"));
        int code = run(args, System.out, System.err, System.getenv(GatewayMain.AUTH_TOKEN_ENV),
                lifecycle);
        if (!terminating.get()) {
            System.exit(code); // also ends the control gateway's threads
        }
    }

    /** Everything but the exit: returns the exit code. No auth token for a control gateway. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, null, new Lifecycle());
    }

    /**
     * @param authToken py4j auth token for {@code --control-port}, or null for none
     * @param lifecycle stops the card from another thread; receives the control gateway
     */
    static int run(String[] args, PrintStream out, PrintStream err, String authToken,
            Lifecycle lifecycle) {
        InetAddress host;
        int port;
        int connectTimeoutMs;
        int controlPort;
        List<AppletSpec> applets;
        Fault fault;
        try {
            CommandLine cl = CommandLine.parse(args, OPTIONS);
            if (cl.help()) {
                out.println(USAGE);
                return 0;
            }
            host = loopbackHost(cl.single("--host", "127.0.0.1"));
            port = cl.integer("--port", DEFAULT_PORT, 1, 65535);
            connectTimeoutMs = cl.integer("--connect-timeout-ms", DEFAULT_CONNECT_TIMEOUT_MS, 0,
                    Integer.MAX_VALUE);
            controlPort = cl.integer("--control-port", -1, 0, 65535);
            applets = cl.applets();
            fault = cl.fault();
        } catch (CommandLine.UsageException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }

        GatewayMain.Gateway gateway = null;
        try {
            CardHost card = GatewayMain.cardWith(applets, err);
            card.setFault(fault);
            if (controlPort >= 0) {
                gateway = GatewayMain.listen(card, controlPort, authToken, lifecycle::shutdownSoon, err);
                lifecycle.gateway = gateway;
                gateway.printPortLine(out);
            }
            return serve(card, host, port, connectTimeoutMs, out, err, lifecycle);
        } catch (GatewayMain.Exit e) {
            return e.code;
        } finally {
            if (gateway != null) {
                gateway.close();
            }
        }
    }

    /** Connects to vpcd and serves the card until the connection ends; returns the exit code. */
    private static int serve(CardHost card, InetAddress host, int port, int connectTimeoutMs,
            PrintStream out, PrintStream err, Lifecycle lifecycle) {
        String where = hostAndPort(host, port);
        Socket socket = connect(new InetSocketAddress(host, port), connectTimeoutMs,
                lifecycle::stopping);
        if (socket == null) {
            if (lifecycle.stopping()) {
                return stopped(err, lifecycle);
            }
            err.println("error: no vpcd listening on " + where
                    + " (is pcscd running with vsmartcard-vpcd?)");
            return 3;
        }
        lifecycle.connected(socket);
        try (socket) {
            socket.setTcpNoDelay(true);
            VpcdClient.BeforeRead quickAck = quickAck(socket);
            out.println(CONNECTED_LINE_PREFIX + where);
            out.flush();
            new VpcdClient(card, socket.getInputStream(), socket.getOutputStream(), quickAck, err)
                    .serve();
            if (lifecycle.stopping()) {
                return stopped(err, lifecycle);
            }
            err.println("vpcd at " + where + " closed the connection, exiting");
            return 0;
        } catch (IOException e) {
            if (lifecycle.stopping()) {
                return stopped(err, lifecycle); // SIGTERM or shutdown() closed the socket
            }
            if (!(e instanceof SocketException)) {
                err.println("error: vpcd connection to " + where + " failed: " + e);
                return 1;
            }
            // pcscd went away with data in flight: the kernel reset the connection
            err.println("vpcd at " + where + " dropped the connection (" + e.getMessage() + "), exiting");
            return 0;
        }
    }

    private static int stopped(PrintStream err, Lifecycle lifecycle) {
        if (lifecycle.shutdownRequested) {
            err.println("shutdown requested through the control gateway, exiting");
        }
        return 0;
    }

    /**
     * The address for {@code --host}, which must be a loopback address: an IP literal or
     * {@code localhost} (taken as 127.0.0.1). Names are not resolved, so no DNS is involved.
     */
    static InetAddress loopbackHost(String host) throws CommandLine.UsageException {
        InetAddress address = null;
        if (host.equalsIgnoreCase("localhost")) {
            address = GatewayMain.loopback();
        } else if (IPV4.matcher(host).matches() || host.contains(":")) {
            try {
                address = InetAddress.getByName(host); // a literal: parsed, not looked up
            } catch (UnknownHostException e) {
                address = null;
            }
        }
        if (address == null || !address.isLoopbackAddress()) {
            throw new CommandLine.UsageException("--host must be a loopback address (127.0.0.1, ::1 or"
                    + " localhost), got '" + host + "': vpcd listens on all interfaces and the card"
                    + " only ever connects to this machine");
        }
        return address;
    }

    static String hostAndPort(InetAddress host, int port) {
        String literal = host.getHostAddress();
        return (host instanceof Inet6Address ? "[" + literal + "]" : literal) + ":" + port;
    }

    /** Connects, retrying every 100 ms; null when nothing accepted within the timeout. */
    static Socket connect(InetSocketAddress address, int timeoutMs) {
        return connect(address, timeoutMs, () -> false);
    }

    /**
     * Connects, retrying every 100 ms; null when nothing accepted within the timeout, or as soon
     * as {@code stop} says so.
     */
    static Socket connect(InetSocketAddress address, int timeoutMs, BooleanSupplier stop) {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (true) {
            if (stop.getAsBoolean()) {
                return null;
            }
            long remainingMs = (deadline - System.nanoTime()) / 1_000_000L;
            Socket socket = new Socket();
            try {
                socket.connect(address, (int) Math.max(1, Math.min(remainingMs, 1_000)));
                return socket;
            } catch (IOException e) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // nothing to do
                }
            }
            remainingMs = (deadline - System.nanoTime()) / 1_000_000L;
            if (remainingMs <= 0) {
                return null;
            }
            try {
                Thread.sleep(Math.min(RETRY_INTERVAL_MS, remainingMs));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    private static void closeQuietly(Socket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    /** Re-arms TCP_QUICKACK before each read where the platform has it (Linux); else nothing. */
    static VpcdClient.BeforeRead quickAck(Socket socket) {
        if (!socket.supportedOptions().contains(ExtendedSocketOptions.TCP_QUICKACK)) {
            return () -> { };
        }
        return () -> socket.setOption(ExtendedSocketOptions.TCP_QUICKACK, true);
    }
}
