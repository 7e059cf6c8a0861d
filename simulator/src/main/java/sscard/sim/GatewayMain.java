package sscard.sim;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ReadableByteChannel;
import java.util.List;
import java.util.Set;
import py4j.GatewayServer;
import py4j.Py4JNetworkException;

/**
 * A py4j gateway around one simulated card, for the Python bridge.
 *
 * <pre>
 * java -cp simulator/target/sscard-simulator.jar sscard.sim.GatewayMain [--applet CLASS:AIDHEX[:DATAHEX]]... [--port N]
 * </pre>
 *
 * <ul>
 *   <li>{@code --applet} (repeatable) installs an applet, in the order given: class, instance AID
 *       and, optionally, applet-specific install data (the GlobalPlatform {@code La} part; absent or
 *       empty for none), both in hex. With none, SocialSecurityApplet at
 *       {@code 7378312E73682EC9E7BBE1B1A3D5CF} and FinanceApplet at {@code A000000333010101}.</li>
 *   <li>{@code --fault NAME} seeds one fault into the card ({@link Fault}; none: a correct card).
 *       An unknown name is bad usage: the one-line error lists the names. {@code --faults} alone
 *       prints {@link Fault#table} and exits 0.</li>
 *   <li>{@code --port} (default 0: an ephemeral port). The gateway listens on 127.0.0.1 only.</li>
 *   <li>If the environment variable {@value #AUTH_TOKEN_ENV} is set, py4j requires that token from
 *       every client ({@code GatewayParameters(auth_token=...)}); without it any local user can
 *       reach the JVM through the port.</li>
 * </ul>
 *
 * <p>Once listening it prints exactly one line to stdout, {@code SSCARD-GATEWAY-PORT <port>}, and
 * nothing else there. The entry point is a {@link GatewayEntryPoint}. The JVM exits on
 * {@code shutdown()} (code 0), when stdin reaches end of file (code 0: this is how it follows its
 * Python parent, even one killed by SIGKILL, so keep its stdin an open pipe), and on SIGTERM
 * (code 143). Bad arguments and a port in use print one line on stderr and exit 2.
 */
public final class GatewayMain {

    public static final String PORT_LINE_PREFIX = "SSCARD-GATEWAY-PORT ";
    public static final String AUTH_TOKEN_ENV = "SSCARD_GATEWAY_AUTH_TOKEN";

    static final String USAGE = "usage: java -cp sscard-simulator.jar sscard.sim.GatewayMain"
            + " [--applet CLASS:AIDHEX[:DATAHEX]]... [--port N] [--fault NAME]";

    private static final Set<String> OPTIONS = Set.of("--applet", "--port", "--fault");

    private GatewayMain() {
    }

    /** Start-up ended: the message (if any) is printed, the JVM should exit with {@link #code}. */
    static final class Exit extends Exception {
        private static final long serialVersionUID = 1L;
        final int code;

        Exit(int code) {
            super(null, null, false, false);
            this.code = code;
        }
    }

    /** A running gateway. */
    static final class Gateway implements AutoCloseable {
        final GatewayServer server;
        final GatewayEntryPoint entryPoint;

        Gateway(GatewayServer server, GatewayEntryPoint entryPoint) {
            this.server = server;
            this.entryPoint = entryPoint;
        }

        int port() {
            return server.getListeningPort();
        }

        /** Prints {@code SSCARD-GATEWAY-PORT <port>} and flushes. */
        void printPortLine(PrintStream out) {
            out.println(PORT_LINE_PREFIX + port());
            out.flush();
        }

        @Override
        public void close() {
            server.shutdown();
        }
    }

    public static void main(String[] args) {
        Gateway gateway;
        try {
            gateway = start(args, System.out, System.err, System.getenv(AUTH_TOKEN_ENV),
                    GatewayMain::exitSoon);
        } catch (Exit e) {
            System.exit(e.code);
            return;
        }
        Thread stdinWatcher = exitOnEndOfInput(
                new FileInputStream(FileDescriptor.in).getChannel(), System.err);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.close();
            // Let the watcher leave its blocking read: HotSpot waits up to 300 ms at exit for
            // threads still in native code.
            stdinWatcher.interrupt();
        }, "sscard-gateway-stop"));
        gateway.printPortLine(System.out);
        // the py4j server thread keeps the JVM alive from here on
    }

    /**
     * Parses the arguments, installs the applets and starts listening. Prints nothing on stdout
     * (the caller prints the port line) except the usage for {@code --help}.
     *
     * @param authToken py4j auth token, or null for none
     * @param onShutdown what the entry point's {@code shutdown()} does
     * @throws Exit after printing a one-line error (code 2), or the usage (code 0)
     */
    static Gateway start(String[] args, PrintStream out, PrintStream err, String authToken,
            Runnable onShutdown) throws Exit {
        int port;
        List<AppletSpec> applets;
        Fault fault;
        if (args.length == 1 && args[0].equals("--faults")) {
            out.print(Fault.table()); // what --fault takes, for tools that check a name before starting
            out.flush();
            throw new Exit(0);
        }
        try {
            CommandLine cl = CommandLine.parse(args, OPTIONS);
            if (cl.help()) {
                out.println(USAGE);
                throw new Exit(0);
            }
            port = cl.integer("--port", 0, 0, 65535);
            applets = cl.applets();
            fault = cl.fault();
        } catch (CommandLine.UsageException e) {
            throw fail(err, e.getMessage());
        }

        CardHost card = cardWith(applets, err);
        card.setFault(fault);
        return listen(card, port, authToken, onShutdown, err);
    }

    /**
     * A new card holding {@code applets}.
     *
     * @throws Exit after printing a one-line error (code 2) when an install fails
     */
    static CardHost cardWith(List<AppletSpec> applets, PrintStream err) throws Exit {
        CardHost card = new CardHost();
        for (AppletSpec applet : applets) {
            try {
                applet.installOn(card);
            } catch (IllegalArgumentException e) {
                throw fail(err, e.getMessage());
            }
        }
        return card;
    }

    /**
     * Starts a py4j gateway on 127.0.0.1:{@code port} (0: ephemeral) whose entry point is a
     * {@link GatewayEntryPoint} over {@code card}. Used by this class and by {@link VpcdMain}'s
     * {@code --control-port}.
     *
     * @param authToken py4j auth token, or null/empty for none
     * @param onShutdown what the entry point's {@code shutdown()} does
     * @throws Exit after printing a one-line error (code 2): {@code port N is already in use}, or
     *     another reason it cannot listen
     */
    static Gateway listen(CardHost card, int port, String authToken, Runnable onShutdown,
            PrintStream err) throws Exit {
        GatewayServer.turnLoggingOff();
        GatewayEntryPoint entryPoint = new GatewayEntryPoint(card, onShutdown);
        GatewayServer.GatewayServerBuilder builder = new GatewayServer.GatewayServerBuilder(entryPoint)
                .javaAddress(loopback())
                .javaPort(port);
        if (authToken != null && !authToken.isEmpty()) {
            builder.authToken(authToken);
        }
        GatewayServer server = builder.build();
        try {
            server.start(true);
        } catch (Py4JNetworkException e) {
            if (e.getCause() instanceof BindException) {
                throw fail(err, "port " + port + " is already in use");
            }
            throw fail(err, "cannot listen on 127.0.0.1:" + port + ": "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
        }
        return new Gateway(server, entryPoint);
    }

    static InetAddress loopback() {
        try {
            return InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // only thrown for a bad address length
        }
    }

    static Exit fail(PrintStream err, String message) {
        err.println("error: " + message);
        err.flush();
        return new Exit(2);
    }

    /**
     * Exits the JVM when {@code in} reaches end of file: the parent process closed the pipe, or
     * died. Runs on a daemon thread, which is returned; interrupting it ends it without exiting.
     * {@code in} is a channel so that the blocking read can be interrupted.
     */
    static Thread exitOnEndOfInput(ReadableByteChannel in, PrintStream err) {
        Thread watcher = new Thread(() -> {
            ByteBuffer buffer = ByteBuffer.allocate(256);
            try {
                while (in.read(buffer) >= 0) {
                    buffer.clear(); // input is ignored; only its end matters
                }
            } catch (AsynchronousCloseException e) { // includes ClosedByInterruptException
                return; // interrupted: the JVM is already on its way out
            } catch (IOException e) {
                // a broken stdin counts as closed
            }
            err.println("sscard gateway: stdin closed, exiting");
            err.flush();
            System.exit(0);
        }, "sscard-stdin-watch");
        watcher.setDaemon(true);
        watcher.start();
        return watcher;
    }

    /** Exits the JVM shortly, from another thread, so that the current py4j call can answer first. */
    static void exitSoon() {
        Thread exiter = new Thread(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            System.exit(0);
        }, "sscard-gateway-exit");
        exiter.start();
    }
}
