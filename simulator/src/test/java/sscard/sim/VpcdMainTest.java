package sscard.sim;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.Test;

/** VpcdMain against a fake vpcd: a server socket on 127.0.0.1 speaking the vpcd protocol. */
public class VpcdMainTest {

    static final class Run {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final VpcdMain.Lifecycle lifecycle = new VpcdMain.Lifecycle();

        CompletableFuture<Integer> start(String... args) {
            // a thread of its own: the common pool may be too small for the blocking runs
            CompletableFuture<Integer> exit = new CompletableFuture<>();
            Thread thread = new Thread(() -> {
                try {
                    exit.complete(VpcdMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                            new PrintStream(err, true, StandardCharsets.UTF_8), null, lifecycle));
                } catch (Throwable t) {
                    exit.completeExceptionally(t);
                }
            }, "vpcd-main-under-test");
            thread.setDaemon(true);
            thread.start();
            return exit;
        }

        /** Waits for the control gateway's port line; returns the gateway. */
        GatewayMain.Gateway awaitGateway() throws InterruptedException {
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (System.nanoTime() < deadline) {
                GatewayMain.Gateway gateway = lifecycle.gateway;
                if (gateway != null && out().startsWith("SSCARD-GATEWAY-PORT ")) {
                    return gateway;
                }
                Thread.sleep(5);
            }
            throw new AssertionError("no control gateway; stderr: " + err());
        }

        int run(String... args) throws Exception {
            return start(args).get(20, TimeUnit.SECONDS);
        }

        String out() {
            return out.toString(StandardCharsets.UTF_8);
        }

        String err() {
            return err.toString(StandardCharsets.UTF_8);
        }
    }

    private static byte[] readReply(DataInputStream in) throws Exception {
        int length = in.readUnsignedShort();
        byte[] payload = new byte[length];
        in.readFully(payload);
        return payload;
    }

    @Test
    public void servesAFakeVpcdAndExitsWhenItCloses() throws Exception {
        try (ServerSocket vpcd = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = vpcd.getLocalPort();
            Run run = new Run();
            CompletableFuture<Integer> exit = run.start("--port", String.valueOf(port),
                    "--connect-timeout-ms", "10000");
            try (Socket socket = vpcd.accept()) {
                socket.setTcpNoDelay(true);
                OutputStream out = socket.getOutputStream();
                DataInputStream in = new DataInputStream(socket.getInputStream());

                out.write(VpcdClientTest.frame("01"));               // power on
                out.write(VpcdClientTest.frame("04"));               // ATR
                assertEquals("3BFA1800008131FE454A434F5033315632333298", CardHostTest.hex(readReply(in)));

                // like vpcd 0.8: length and payload in separate writes
                byte[] select = VpcdClientTest.frame("00A4040008A000000333010101");
                out.write(select, 0, 2);
                out.flush();
                Thread.sleep(20);
                out.write(select, 2, select.length - 2);
                assertEquals("9000", CardHostTest.sw(CardHostTest.hex(readReply(in))));

                out.write(VpcdClientTest.frame("00A4040007A0000000031010"));
                assertArrayEquals(CardHostTest.hex("6A82"), readReply(in));

                // the reply to a 4-byte case-1 APDU arrives in full
                out.write(VpcdClientTest.frame("00B00000"));
                assertArrayEquals(CardHostTest.hex("6D00"), readReply(in));
            }
            assertEquals(Integer.valueOf(0), exit.get(10, TimeUnit.SECONDS));
            assertEquals("SSCARD-VPCD-CONNECTED 127.0.0.1:" + port + "\n", run.out());
            assertEquals("vpcd at 127.0.0.1:" + port + " closed the connection, exiting\n", run.err());
        }
    }

    @Test
    public void noVpcdListeningExits3() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = closed.getLocalPort();
        }
        Run run = new Run();
        long start = System.nanoTime();
        assertEquals(3, run.run("--port", String.valueOf(port), "--connect-timeout-ms", "300"));
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue("gave up after " + elapsedMs + " ms", elapsedMs >= 250 && elapsedMs < 5000);
        assertEquals("error: no vpcd listening on 127.0.0.1:" + port
                + " (is pcscd running with vsmartcard-vpcd?)\n", run.err());
        assertEquals("", run.out());
    }

    @Test
    public void connectsOnceVpcdStartsListening() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = probe.getLocalPort();
        }
        Run run = new Run();
        CompletableFuture<Integer> exit = run.start("--port", String.valueOf(port),
                "--connect-timeout-ms", "10000");
        Thread.sleep(350); // a few refused attempts first
        try (ServerSocket vpcd = new ServerSocket()) {
            vpcd.setReuseAddress(true);
            vpcd.bind(new java.net.InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
            vpcd.accept().close();
        }
        assertEquals(Integer.valueOf(0), exit.get(10, TimeUnit.SECONDS));
        assertTrue(run.out(), run.out().startsWith("SSCARD-VPCD-CONNECTED 127.0.0.1:" + port));
    }

    private static void assertUsageError(String expectedError, String... args) throws Exception {
        Run run = new Run();
        assertEquals(2, run.run(args));
        assertEquals("error: " + expectedError + "\n", run.err());
        assertEquals("", run.out());
    }

    @Test
    public void nonLoopbackHostsAreRefused() throws Exception {
        for (String host : new String[] {"10.0.0.1", "0.0.0.0", "example.com", "192.168.1.1", "::"}) {
            Run run = new Run();
            assertEquals(host, 2, run.run("--host", host, "--connect-timeout-ms", "0"));
            assertTrue(run.err(), run.err().startsWith("error: --host must be a loopback address"));
            assertTrue(run.err(), run.err().contains("got '" + host + "'"));
        }
        assertEquals(InetAddress.getByName("127.0.0.1"), VpcdMain.loopbackHost("localhost"));
        assertEquals(InetAddress.getByName("127.0.0.2"), VpcdMain.loopbackHost("127.0.0.2"));
        assertTrue(VpcdMain.loopbackHost("::1").isLoopbackAddress());
    }

    @Test
    public void badArgumentsExit2WithOneLine() throws Exception {
        assertUsageError("unknown option --bogus", "--bogus", "1");
        assertUsageError("option --port needs a value", "--port");
        assertUsageError("--port must be an integer from 1 to 65535, got 'x'", "--port", "x");
        assertUsageError("--port must be an integer from 1 to 65535, got '0'", "--port=0");
        assertUsageError("--connect-timeout-ms must be an integer from 0 to 2147483647, got '-1'",
                "--connect-timeout-ms", "-1");
        assertUsageError("--applet needs CLASS:AIDHEX[:DATAHEX], got 'nope'", "--applet", "nope");
        assertUsageError("--applet 'x.Y:F000000001:GG': install data must be hex digits only, got 'GG'",
                "--applet", "x.Y:F000000001:GG");
        assertUsageError("--control-port must be an integer from 0 to 65535, got '-1'", "--control-port", "-1");
        assertUsageError("--control-port must be an integer from 0 to 65535, got 'x'", "--control-port=x");
        assertUsageError("option --control-port given more than once",
                "--control-port", "0", "--control-port", "0");
        assertUsageError("unknown applet class x.Y (not on the classpath)", "--applet", "x.Y:F000000001");
        assertUsageError("unexpected argument 'extra'", "extra");
    }

    // ---------------------------------------------------------------- install data, control gateway

    private static String exchange(OutputStream out, DataInputStream in, String apduHex) throws Exception {
        out.write(VpcdClientTest.frame(apduHex));
        return CardHostTest.hex(readReply(in));
    }

    private static int freePort() throws Exception {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return probe.getLocalPort();
        }
    }

    private static ServerSocket listenOn(int port) throws Exception {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
        return server;
    }

    @Test
    public void installDataReachesTheApplet() throws Exception {
        try (ServerSocket vpcd = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Run run = new Run();
            CompletableFuture<Integer> exit = run.start("--port", String.valueOf(vpcd.getLocalPort()),
                    "--applet", "sscard.sim.probe.ProbeApplet:F0000000010101:C0FFEE");
            try (Socket socket = vpcd.accept()) {
                OutputStream out = socket.getOutputStream();
                DataInputStream in = new DataInputStream(socket.getInputStream());
                assertEquals("9000", exchange(out, in, "00A4040007F0000000010101"));
                assertEquals("C0FFEE9000", exchange(out, in, "8001000000"));
            }
            assertEquals(Integer.valueOf(0), exit.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    public void controlGatewayListensBeforeConnectingAndServesTheSameCard() throws Exception {
        int vpcdPort = freePort();
        Run run = new Run();
        CompletableFuture<Integer> exit = run.start("--port", String.valueOf(vpcdPort), "--control-port", "0",
                "--connect-timeout-ms", "20000", "--applet", "sscard.sim.probe.ProbeApplet:F0000000010101:CAFE01");
        GatewayMain.Gateway gateway = run.awaitGateway();
        int controlPort = gateway.port();
        assertTrue(gateway.server.getAddress().isLoopbackAddress());
        assertEquals("SSCARD-GATEWAY-PORT " + controlPort + "\n", run.out()); // not connected yet
        try (Socket client = new Socket(InetAddress.getByName("127.0.0.1"), controlPort)) {
            assertTrue(client.isConnected());
        }
        GatewayEntryPoint control = gateway.entryPoint;

        try (ServerSocket vpcd = listenOn(vpcdPort); Socket socket = vpcd.accept()) {
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            out.write(VpcdClientTest.frame("01"));                                  // power on
            out.write(VpcdClientTest.frame("04"));
            String atr = CardHostTest.hex(readReply(in));
            assertEquals("9000", exchange(out, in, "00A4040007F0000000010101"));
            assertEquals("01019000", exchange(out, in, "8010000002"));
            assertEquals("02029000", exchange(out, in, "8010000002"));
            // the gateway's card is the one pcscd sees
            assertEquals("03039000", CardHostTest.hex(control.transmit(CardHostTest.hex("8010000002"))));

            control.freshCard("");
            // the same card still inserted (same ATR), powered anew: nothing selected, state new
            out.write(VpcdClientTest.frame("04"));
            assertEquals(atr, CardHostTest.hex(readReply(in)));
            assertEquals("6986", exchange(out, in, "8010000002"));
            assertEquals("9000", exchange(out, in, "00A4040007F0000000010101"));
            assertEquals("01019000", exchange(out, in, "8010000002"));
            assertEquals("CAFE019000", exchange(out, in, "8001000000"));

            control.powerCycle();
            assertEquals("6986", exchange(out, in, "8010000002"));
            long median = control.medianTransmitNanos(CardHostTest.select("F0000000010101"), 101);
            assertTrue("median " + median, median > 0);
            assertEquals("01029000", exchange(out, in, "8010000002"));

            control.freshCard("sscard.pboc.FinanceApplet:A000000333010101");
            assertEquals("6A82", exchange(out, in, "00A4040007F0000000010101"));
            assertEquals("9000", CardHostTest.sw(exchange(out, in, "00A4040008A000000333010101")));

            long start = System.nanoTime();
            control.shutdown();
            assertEquals(Integer.valueOf(0), exit.get(5, TimeUnit.SECONDS));
            assertTrue("took " + (System.nanoTime() - start) / 1_000_000 + " ms",
                    System.nanoTime() - start < 2_000_000_000L);
            socket.setSoTimeout(5000);
            assertEquals("vpcd sees the connection closed", -1, in.read());
        }
        assertEquals("SSCARD-GATEWAY-PORT " + controlPort + "\nSSCARD-VPCD-CONNECTED 127.0.0.1:" + vpcdPort + "\n",
                run.out());
        assertEquals("shutdown requested through the control gateway, exiting\n", run.err());
        assertTrue("control gateway still listening", portClosedWithin(controlPort, 2_000));
    }

    /**
     * Whether nothing listens on {@code port} within {@code millis}: asked again while a connect still
     * succeeds (seen once under load right after the run returned; py4j's server thread lets go of the
     * socket on its own schedule).
     */
    private static boolean portClosedWithin(int port, long millis) throws Exception {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (true) {
            try (Socket client = new Socket(InetAddress.getByName("127.0.0.1"), port)) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
            } catch (java.net.ConnectException expected) {
                return true; // closed with the run
            }
            Thread.sleep(100);
        }
    }

    @Test
    public void shutdownWhileStillConnectingExits0() throws Exception {
        int vpcdPort = freePort();
        Run run = new Run();
        CompletableFuture<Integer> exit = run.start("--port", String.valueOf(vpcdPort), "--control-port=0",
                "--connect-timeout-ms", "60000");
        GatewayMain.Gateway gateway = run.awaitGateway();
        Thread.sleep(250); // a few refused attempts
        gateway.entryPoint.shutdown();
        assertEquals(Integer.valueOf(0), exit.get(3, TimeUnit.SECONDS));
        assertEquals("SSCARD-GATEWAY-PORT " + gateway.port() + "\n", run.out());
        assertEquals("shutdown requested through the control gateway, exiting\n", run.err());
    }

    @Test
    public void vpcdClosingEndsTheControlGatewayToo() throws Exception {
        try (ServerSocket vpcd = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Run run = new Run();
            CompletableFuture<Integer> exit = run.start("--port", String.valueOf(vpcd.getLocalPort()),
                    "--control-port", "0");
            int controlPort = run.awaitGateway().port();
            vpcd.accept().close();
            assertEquals(Integer.valueOf(0), exit.get(10, TimeUnit.SECONDS));
            assertEquals("vpcd at 127.0.0.1:" + vpcd.getLocalPort() + " closed the connection, exiting\n", run.err());
            // py4j closes its server socket on its own thread: give it a moment, not forever
            long deadline = System.nanoTime() + 3_000_000_000L;
            while (true) {
                try (Socket client = new Socket(InetAddress.getByName("127.0.0.1"), controlPort)) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("control gateway still listening");
                    }
                } catch (java.net.ConnectException expected) {
                    break; // closed with the run
                }
                Thread.sleep(20);
            }
        }
    }

    @Test
    public void controlPortInUseExits2() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            assertUsageError("port " + port + " is already in use", "--control-port", String.valueOf(port),
                    "--connect-timeout-ms", "0");
        }
    }

    // ---------------------------------------------------------------- as a process, over py4j's wire

    /** A minimal py4j client: one command, one answer line. */
    private static String py4j(java.io.BufferedWriter out, java.io.BufferedReader in, String command)
            throws Exception {
        out.write(command);
        out.flush();
        return in.readLine();
    }

    @Test
    public void processWithControlGatewayExits0OnShutdown() throws Exception {
        String token = "t0k3n-" + System.nanoTime();
        try (ServerSocket vpcd = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            String classpath = System.getProperty("surefire.test.class.path",
                    System.getProperty("java.class.path"));
            ProcessBuilder builder = new ProcessBuilder(
                    java.nio.file.Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", classpath, "sscard.sim.VpcdMain", "--port", String.valueOf(vpcd.getLocalPort()),
                    "--control-port", "0", "--applet", "sscard.sim.probe.ProbeApplet:F0000000010101");
            builder.environment().put(GatewayMain.AUTH_TOKEN_ENV, token);
            Process process = builder.start();
            try {
                java.io.BufferedReader stdout = new java.io.BufferedReader(
                        new java.io.InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                String first = stdout.readLine();
                assertTrue("first line: " + first, first != null && first.startsWith("SSCARD-GATEWAY-PORT "));
                int controlPort = Integer.parseInt(first.substring("SSCARD-GATEWAY-PORT ".length()));
                try (Socket card = vpcd.accept()) {
                    assertEquals("SSCARD-VPCD-CONNECTED 127.0.0.1:" + vpcd.getLocalPort(), stdout.readLine());
                    OutputStream out = card.getOutputStream();
                    DataInputStream in = new DataInputStream(card.getInputStream());
                    assertEquals("9000", exchange(out, in, "00A4040007F0000000010101"));
                    assertEquals("01019000", exchange(out, in, "8010000002"));

                    // without the token: refused
                    try (Socket py = new Socket(InetAddress.getByName("127.0.0.1"), controlPort)) {
                        java.io.BufferedWriter w = new java.io.BufferedWriter(new java.io.OutputStreamWriter(
                                py.getOutputStream(), StandardCharsets.UTF_8));
                        java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(
                                py.getInputStream(), StandardCharsets.UTF_8));
                        String answer = py4j(w, r, "c\nt\nfreshCard\ns\ne\n");
                        assertTrue("unauthenticated answer " + answer, answer == null || !answer.startsWith("!y"));
                    }
                    assertEquals("02029000", exchange(out, in, "8010000002"));

                    try (Socket py = new Socket(InetAddress.getByName("127.0.0.1"), controlPort)) {
                        java.io.BufferedWriter w = new java.io.BufferedWriter(new java.io.OutputStreamWriter(
                                py.getOutputStream(), StandardCharsets.UTF_8));
                        java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(
                                py.getInputStream(), StandardCharsets.UTF_8));
                        assertEquals("!yv", py4j(w, r, "A\n" + token + "\n"));
                        assertEquals("!yv", py4j(w, r, "c\nt\nfreshCard\ns\ne\n"));
                        assertEquals("6986", exchange(out, in, "8010000002"));
                        String error = py4j(w, r, "c\nt\nfreshCard\nsno.Such:F000000001\ne\n");
                        assertTrue(error, error.startsWith("!x"));
                        assertEquals("!yv", py4j(w, r, "c\nt\nshutdown\ne\n"));
                    }
                    assertTrue("still running after shutdown()", process.waitFor(10, TimeUnit.SECONDS));
                    assertEquals(0, process.exitValue());
                    card.setSoTimeout(5000);
                    assertEquals(-1, in.read());
                }
                assertEquals(null, stdout.readLine());
                String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                assertEquals("shutdown requested through the control gateway, exiting" + System.lineSeparator(),
                        stderr);
            } finally {
                process.destroyForcibly();
            }
        }
    }
}
