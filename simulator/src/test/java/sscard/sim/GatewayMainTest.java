package sscard.sim;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.Test;

public class GatewayMainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private GatewayMain.Gateway start(Runnable onShutdown, String... args) throws GatewayMain.Exit {
        return GatewayMain.start(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), null, onShutdown);
    }

    private void assertStartFails(String expectedError, String... args) {
        out.reset();
        err.reset();
        try {
            start(() -> { }, args).close();
            fail("started with " + List.of(args));
        } catch (GatewayMain.Exit e) {
            assertEquals(2, e.code);
            assertEquals("error: " + expectedError + "\n", err.toString(StandardCharsets.UTF_8));
            assertEquals("", out.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    public void badArgumentsExit2WithOneLine() {
        assertStartFails("unknown option --host", "--host", "0.0.0.0");
        assertStartFails("option --port needs a value", "--port");
        assertStartFails("--port must be an integer from 0 to 65535, got 'abc'", "--port", "abc");
        assertStartFails("--port must be an integer from 0 to 65535, got '65536'", "--port=65536");
        assertStartFails("option --port given more than once", "--port", "0", "--port", "0");
        assertStartFails("--applet needs CLASS:AIDHEX, got 'sscard.ssse.SocialSecurityApplet'",
                "--applet", "sscard.ssse.SocialSecurityApplet");
        assertStartFails("unknown applet class no.Such (not on the classpath)", "--applet", "no.Such:F000000001");
        assertStartFails("AID must be 5 to 16 bytes, got 2 (F000)",
                "--applet", "sscard.ssse.SocialSecurityApplet:F000");
        assertStartFails("unexpected argument 'x'", "x");
    }

    @Test
    public void portInUseExits2() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            assertStartFails("port " + port + " is already in use", "--port", String.valueOf(port));
        }
    }

    @Test
    public void listensOnLoopbackAndServesTheCard() throws Exception {
        AtomicInteger shutdowns = new AtomicInteger();
        try (GatewayMain.Gateway gateway = start(shutdowns::incrementAndGet,
                "--applet", "sscard.sim.probe.ProbeApplet:F0000000010101",
                "--applet=sscard.pboc.FinanceApplet:A000000333010101")) {
            assertTrue(gateway.port() > 0);
            assertTrue(gateway.server.getAddress().isLoopbackAddress());
            try (Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), gateway.port())) {
                assertTrue(socket.isConnected());
            }
            GatewayEntryPoint card = gateway.entryPoint;
            assertEquals("9000", CardHostTest.hex(card.transmit(CardHostTest.select("A000000333010101"))));
            assertEquals("9000", CardHostTest.hex(card.transmit(CardHostTest.select("F0000000010101"))));
            // only the given applets: the social security one is not installed
            card.powerCycle();
            assertEquals("6A82", CardHostTest.hex(card.transmit(
                    CardHostTest.select("7378312E73682EC9E7BBE1B1A3D5CF"))));
            card.install("sscard.ssse.SocialSecurityApplet", "7378312E73682EC9E7BBE1B1A3D5CF");
            assertEquals("9000", CardHostTest.hex(card.transmit(
                    CardHostTest.select("7378312E73682EC9E7BBE1B1A3D5CF"))));
            card.powerCycle();
            assertEquals("6986", CardHostTest.hex(card.transmit(CardHostTest.hex("00B0000000"))));
            assertEquals(20, card.atr().length);
            long median = card.medianTransmitNanos(CardHostTest.select("A000000333010101"), 1001);
            assertTrue("median " + median, median > 0 && median < 50_000_000L);
            card.shutdown();
            assertEquals(1, shutdowns.get());
        }
        assertEquals("", out.toString(StandardCharsets.UTF_8)); // main() prints the port line
    }

    // ---------------------------------------------------------------- as a process

    private static Process launch(String... args) throws Exception {
        String classpath = System.getProperty("surefire.test.class.path",
                System.getProperty("java.class.path"));
        List<String> command = new java.util.ArrayList<>(List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classpath, "sscard.sim.GatewayMain"));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.PIPE).start();
    }

    private static int readPort(Process process) throws Exception {
        BufferedReader stdout = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = stdout.readLine();
        assertTrue("first line: " + line, line != null && line.startsWith("SSCARD-GATEWAY-PORT "));
        return Integer.parseInt(line.substring("SSCARD-GATEWAY-PORT ".length()));
    }

    @Test
    public void processExitsWhenStdinCloses() throws Exception {
        Process process = launch();
        try {
            int port = readPort(process);
            try (Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), port)) {
                assertTrue(socket.isConnected());
            }
            process.getOutputStream().close();
            assertTrue("still running after stdin closed", process.waitFor(10, TimeUnit.SECONDS));
            assertEquals(0, process.exitValue());
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    public void processExitsOnSigterm() throws Exception {
        Process process = launch("--port", "0");
        try {
            readPort(process);
            // SIGTERM only: Process.destroy() would also close stdin, which exits the JVM too
            assertTrue(process.toHandle().destroy());
            assertTrue("still running after SIGTERM", process.waitFor(10, TimeUnit.SECONDS));
            assertEquals(143, process.exitValue());
        } finally {
            process.getOutputStream().close();
            process.destroyForcibly();
        }
    }

    @Test
    public void processPortInUseIsOneLineAndExit2() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Process process = launch("--port", String.valueOf(taken.getLocalPort()));
            try {
                assertTrue(process.waitFor(10, TimeUnit.SECONDS));
                assertEquals(2, process.exitValue());
                String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                assertEquals("error: port " + taken.getLocalPort() + " is already in use" + System.lineSeparator(),
                        stderr);
                assertEquals(0, process.getInputStream().readAllBytes().length);
            } finally {
                process.destroyForcibly();
            }
        }
    }
}
