package sscard.sim;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.fail;

import java.util.List;
import org.junit.Test;

public class AppletSpecTest {

    private static final String PROBE = "sscard.sim.probe.ProbeApplet";

    @Test
    public void parsesClassAidAndOptionalInstallData() {
        AppletSpec plain = AppletSpec.parse(PROBE + ":F0000000010101");
        assertEquals(new AppletSpec(PROBE, "F0000000010101", ""), plain);
        assertEquals(0, plain.installData().length);
        assertEquals(PROBE + ":F0000000010101", plain.toString());

        AppletSpec withData = AppletSpec.parse(PROBE + ":F0000000010101:cafe01");
        assertEquals("CAFE01", withData.dataHex());
        assertArrayEquals(new byte[] {(byte) 0xCA, (byte) 0xFE, 0x01}, withData.installData());
        assertEquals(PROBE + ":F0000000010101:CAFE01", withData.toString());

        // an empty DATAHEX is no install data
        assertEquals(plain, AppletSpec.parse(PROBE + ":F0000000010101:"));
        assertEquals(plain, new AppletSpec(PROBE, "F0000000010101", null));
    }

    private static void assertParseFails(String text, String message) {
        try {
            AppletSpec.parse(text);
            fail("parsed " + text);
        } catch (IllegalArgumentException e) {
            assertEquals(message, e.getMessage());
        }
    }

    @Test
    public void badSpecsAreOneLineErrors() {
        assertParseFails("nope", "--applet needs CLASS:AIDHEX[:DATAHEX], got 'nope'");
        assertParseFails(":F000000001", "--applet needs CLASS:AIDHEX[:DATAHEX], got ':F000000001'");
        assertParseFails(PROBE + ":", "--applet needs CLASS:AIDHEX[:DATAHEX], got '" + PROBE + ":'");
        assertParseFails(PROBE + "::CAFE", "--applet needs CLASS:AIDHEX[:DATAHEX], got '" + PROBE + "::CAFE'");
        assertParseFails("a:F000000001:00:11", "--applet needs CLASS:AIDHEX[:DATAHEX], got 'a:F000000001:00:11'");
        assertParseFails(PROBE + ":F000000001:ZZ", "--applet '" + PROBE
                + ":F000000001:ZZ': install data must be hex digits only, got 'ZZ'");
        assertParseFails(PROBE + ":F000000001:ABC", "--applet '" + PROBE
                + ":F000000001:ABC': install data must be an even number of hex digits, got 'ABC'");
        assertParseFails(PROBE + ":F000000001:0x01", "--applet '" + PROBE
                + ":F000000001:0x01': install data must be hex digits only, got '0x01'");
    }

    @Test
    public void parsesWhitespaceSeparatedLists() {
        assertEquals(List.of(), AppletSpec.parseList("", "x"));
        assertEquals(List.of(), AppletSpec.parseList("  \t\n ", "x"));
        assertEquals(List.of(), AppletSpec.parseList(null, "x"));
        assertEquals(List.of(new AppletSpec(PROBE, "F0000000010101", "01"),
                        new AppletSpec("sscard.pboc.FinanceApplet", "A000000333010101")),
                AppletSpec.parseList("  " + PROBE + ":F0000000010101:01 \n\tsscard.pboc.FinanceApplet:A000000333010101 ",
                        "x"));
        try {
            AppletSpec.parseList(PROBE + ":F0000000010101 junk", "freshCard applet");
            fail("parsed junk");
        } catch (IllegalArgumentException e) {
            assertEquals("freshCard applet needs CLASS:AIDHEX[:DATAHEX], got 'junk'", e.getMessage());
        }
    }
}
