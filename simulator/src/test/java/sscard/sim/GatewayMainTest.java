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
        assertStartFails("--applet needs CLASS:AIDHEX[:DATAHEX], got 'sscard.ssse.SocialSecurityApplet'",
                "--applet", "sscard.ssse.SocialSecurityApplet");
        assertStartFails("--applet 'sscard.sim.probe.ProbeApplet:F0000000010101:CAFEZZ': install data"
                + " must be hex digits only, got 'CAFEZZ'",
                "--applet", "sscard.sim.probe.ProbeApplet:F0000000010101:CAFEZZ");
        assertStartFails("--applet 'sscard.sim.probe.ProbeApplet:F0000000010101:CAF': install data"
                + " must be an even number of hex digits, got 'CAF'",
                "--applet", "sscard.sim.probe.ProbeApplet:F0000000010101:CAF");
        assertStartFails("install data for a 7-byte AID is limited to 117 bytes, got 118",
                "--applet", "sscard.sim.probe.ProbeApplet:F0000000010101:" + "00".repeat(118));
        assertStartFails("AID must be hex digits only, got 'F00000000G'",
                "--applet", "sscard.sim.probe.ProbeApplet:F00000000G:00");
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
            assertEquals("9000", CardHostTest.sw(CardHostTest.hex(card.transmit(CardHostTest.select("A000000333010101")))));
            assertEquals("9000", CardHostTest.sw(CardHostTest.hex(card.transmit(CardHostTest.select("F0000000010101")))));
            // only the given applets: the social security one is not installed
            card.powerCycle();
            assertEquals("6A82", CardHostTest.hex(card.transmit(
                    CardHostTest.select("7378312E73682EC9E7BBE1B1A3D5CF"))));
            card.install("sscard.ssse.SocialSecurityApplet", "7378312E73682EC9E7BBE1B1A3D5CF");
            assertEquals("9000", CardHostTest.sw(CardHostTest.hex(card.transmit(
                    CardHostTest.select("7378312E73682EC9E7BBE1B1A3D5CF")))));
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

    private static String send(GatewayEntryPoint card, String apduHex) {
        return CardHostTest.hex(card.transmit(CardHostTest.hex(apduHex)));
    }

    @Test
    public void installDataOnTheCommandLine() throws Exception {
        try (GatewayMain.Gateway gateway = start(() -> { },
                "--applet", "sscard.sim.probe.ProbeApplet:F0000000010101:cafe01",
                "--applet", "sscard.sim.probe.ProbeApplet:F0000000020202:",
                "--applet", "sscard.sim.probe.ProbeApplet:F0000000030303")) {
            GatewayEntryPoint card = gateway.entryPoint;
            assertEquals("sscard.sim.probe.ProbeApplet:F0000000010101:CAFE01"
                    + " sscard.sim.probe.ProbeApplet:F0000000020202"
                    + " sscard.sim.probe.ProbeApplet:F0000000030303", card.applets());
            assertEquals("9000", CardHostTest.sw(CardHostTest.hex(card.transmit(CardHostTest.select("F0000000010101")))));
            assertEquals("CAFE019000", send(card, "8001000000"));
            assertEquals("9000", CardHostTest.sw(CardHostTest.hex(card.transmit(CardHostTest.select("F0000000020202")))));
            assertEquals("9000", send(card, "8001000000"));
        }
    }

    @Test
    public void freshCardThroughTheEntryPoint() throws Exception {
        try (GatewayMain.Gateway gateway = start(() -> { },
                "--applet", "sscard.sim.probe.ProbeApplet:F0000000010101:CAFE01")) {
            GatewayEntryPoint card = gateway.entryPoint;
            card.install("sscard.pboc.FinanceApplet", "A000000333010101");
            assertEquals("9000", CardHostTest.sw(CardHostTest.hex(card.transmit(CardHostTest.select("F0000000010101")))));
            assertEquals("01019000", send(card, "8010000002"));

            // "" (or blank): the same applets, install data included, all state new
            card.freshCard("");
            assertEquals("6986", send(card, "8010000002"));
            assertEquals("9000", CardHostTest.sw(CardHostTest.hex(card.transmit(CardHostTest.select("F0000000010101")))));
            assertEquals("01019000", send(card, "8010000002"));
            assertEquals("CAFE019000", send(card, "8001000000"));
            assertEquals("9000", CardHostTest.sw(CardHostTest.hex(card.transmit(CardHostTest.select("A000000333010101")))));
            card.freshCard(" \n ");
            assertEquals("sscard.sim.probe.ProbeApplet:F0000000010101:CAFE01"
                    + " sscard.pboc.FinanceApplet:A000000333010101", card.applets());

            // other applets
            card.freshCard("sscard.sim.probe.ProbeApplet:F0000000010101:0102\tsscard.ssse.SocialSecurityApplet:"
                    + "7378312E73682EC9E7BBE1B1A3D5CF");
            assertEquals("6A82", CardHostTest.hex(card.transmit(CardHostTest.select("A000000333010101"))));
            assertEquals("9000", CardHostTest.sw(CardHostTest.hex(card.transmit(CardHostTest.select("F0000000010101")))));
            assertEquals("01029000", send(card, "8001000000"));
            assertEquals("01019000", send(card, "8010000002"));

            // bad input: a clear IllegalArgumentException, and the card is left as it was
            String[][] bad = {
                {"junk", "freshCard applet needs CLASS:AIDHEX[:DATAHEX], got 'junk'"},
                {"sscard.sim.probe.ProbeApplet:F0000000010101:XY",
                    "freshCard applet 'sscard.sim.probe.ProbeApplet:F0000000010101:XY': install data must be"
                        + " hex digits only, got 'XY'"},
                {"sscard.sim.probe.ProbeApplet:F0000000010101 no.Such:F000000009",
                    "unknown applet class no.Such (not on the classpath)"},
                {"sscard.sim.probe.ProbeApplet:F0000000010101 sscard.sim.probe.ProbeApplet:f0000000010101",
                    "AID F0000000010101 is already in use by sscard.sim.probe.ProbeApplet"},
            };
            for (String[] c : bad) {
                try {
                    card.freshCard(c[0]);
                    fail("fresh card with " + c[0]);
                } catch (IllegalArgumentException e) {
                    assertEquals(c[1], e.getMessage());
                }
            }
            assertEquals("02029000", send(card, "8010000002"));
            assertEquals("sscard.sim.probe.ProbeApplet:F0000000010101:0102"
                    + " sscard.ssse.SocialSecurityApplet:7378312E73682EC9E7BBE1B1A3D5CF", card.applets());
        }
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
