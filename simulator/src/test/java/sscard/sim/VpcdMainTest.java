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

        CompletableFuture<Integer> start(String... args) {
            return CompletableFuture.supplyAsync(() -> VpcdMain.run(args,
                    new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8)));
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
                assertArrayEquals(CardHostTest.hex("9000"), readReply(in));

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
        assertUsageError("--applet needs CLASS:AIDHEX, got 'nope'", "--applet", "nope");
        assertUsageError("unknown applet class x.Y (not on the classpath)", "--applet", "x.Y:F000000001");
        assertUsageError("unexpected argument 'extra'", "extra");
    }
}
