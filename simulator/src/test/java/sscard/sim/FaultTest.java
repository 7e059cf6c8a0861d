package sscard.sim;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.Before;
import org.junit.Test;

/** The seeded faults: each one changes only what it says, and a card without one is the correct card. */
public class FaultTest {

    private CardHost card;

    @Before
    public void setUp() {
        card = new CardHost();
        AppletSpec.DEFAULTS.forEach(a -> a.installOn(card));
    }

    private String send(String apdu) {
        return CardHostTest.hex(card.transmit(CardHostTest.hex(apdu)));
    }

    private String sw(String apdu) {
        return CardHostTest.sw(send(apdu));
    }

    private void selectSsse() {
        assertEquals("9000", CardHostTest.sw(CardHostTest.hex(card.transmit(CardHostTest.select(CardHostTest.SSSE)))));
    }

    @Test
    public void everyFaultHasAUniqueNameClausesAndADescription() {
        Set<String> names = new HashSet<>();
        for (Fault fault : Fault.values()) {
            assertTrue(fault.label(), names.add(fault.label()));
            assertTrue(fault.label(), fault.label().matches("[a-z0-9_A-Z]+"));
            assertTrue(fault.label(), !fault.clauses().isEmpty());
            fault.clauses().forEach(c -> assertTrue(c, c.matches("SSC-[A-Z]+-\\d+")));
            assertTrue(fault.label(), !fault.description().isEmpty() && !fault.description().contains("\t"));
        }
        String table = Fault.table();
        assertEquals(Fault.values().length, table.split("\n").length);
        assertTrue(table.startsWith("wrong_le_answers_6700\tSSC-APDU-3\t"));
    }

    @Test
    public void anUnknownNameIsRefusedWithTheNames() {
        try {
            Fault.named("no_such_fault");
            fail();
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("unknown fault 'no_such_fault'; the faults are: "));
            assertTrue(e.getMessage(), e.getMessage().contains("atc_never_moves"));
        }
    }

    @Test
    public void aSeededFaultChangesItsAnswerAndOnlyUntilItIsTakenOut() {
        selectSsse();
        String pastTheLast = "00B2202C00"; // EF05 (SFI 5), record 32: no such record
        assertEquals("6A83", sw(pastTheLast));
        assertNull(card.fault());
        card.setFault(Fault.RECORD_MISSING_ANSWERS_6A82);
        assertEquals("6A82", sw(pastTheLast));
        assertEquals("9000", sw("00B2012C00")); // other answers unchanged
        card.setFault(null);
        assertEquals("6A83", sw(pastTheLast));
    }

    @Test
    public void logicalChannelsIgnoredRunsTheCommandOnTheBasicChannel() {
        selectSsse();
        assertEquals("6881", sw("01B2012C00"));
        card.setFault(Fault.LOGICAL_CHANNELS_IGNORED);
        assertEquals("9000", sw("01B2012C00"));
        assertEquals(send("00B2012C00"), send("41B2012C00"));
    }

    @Test
    public void theAppletFieldsTheInternalStateFaultsChangeExistInBothApplets() {
        for (String aid : new String[] {CardHostTest.SSSE, CardHostTest.PBOC}) {
            card.transmit(CardHostTest.select(aid));
            Object applet = card.selectedApplet();
            assertTrue(Fault.read(applet, Fault.PIN_TRIES) instanceof Byte);
            assertEquals(sscard.common.CommonConstants.LC_BIT_PERSONALISATION, Fault.read(applet, Fault.LIFECYCLE));
            Fault.write(applet, Fault.ATC, (short) 7);
            assertEquals((short) 7, Fault.read(applet, Fault.ATC));
        }
        card.powerCycle();
        assertNull(card.selectedApplet());
    }

    @Test
    public void wrongLeAnswers6700() {
        selectSsse();
        String full = send("00B2022C00");
        int length = full.length() / 2 - 2;
        String wrongLe = String.format("00B2022C%02X", length + 1);
        assertEquals(String.format("6C%02X", length), send(wrongLe));
        card.setFault(Fault.WRONG_LE_ANSWERS_6700);
        assertEquals("6700", send(wrongLe));
        assertEquals(full, send("00B2022C00"));
    }

    @Test
    public void challengeOfAnyLengthAnswersRandomBytes() {
        selectSsse();
        assertEquals("6700", send("0084000005"));
        card.setFault(Fault.CHALLENGE_OF_ANY_LENGTH);
        String first = send("0084000005");
        assertEquals(14, first.length());
        assertTrue(first.endsWith("9000"));
        assertNotEquals(first, send("0084000005"));
    }

    @Test
    public void theFaultsMemoryFollowsTheSelectionAndStartsOverWithAFreshCard() {
        card.setFault(Fault.BANK_APPLICATION_TAKES_ANY_MAC);
        assertEquals("9000", CardHostTest.sw(CardHostTest.hex(card.transmit(CardHostTest.select(CardHostTest.PBOC)))));
        card.powerCycle();
        card.freshCard(List.of());
        assertEquals(Fault.BANK_APPLICATION_TAKES_ANY_MAC, card.fault()); // a fresh card keeps the fault
    }

    @Test
    public void theCommandLinesTakeAFaultAndRefuseAnUnknownOneInOneLine() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        try {
            GatewayMain.start(new String[] {"--fault", "nope"}, out, errStream, null, () -> { }).close();
            fail();
        } catch (GatewayMain.Exit e) {
            assertEquals(2, e.code);
            String text = err.toString(StandardCharsets.UTF_8);
            assertTrue(text, text.startsWith("error: unknown fault 'nope'; the faults are: wrong_le_answers_6700, "));
            assertEquals(1, text.split("\n").length);
        }
        try (GatewayMain.Gateway gateway = GatewayMain.start(new String[] {"--fault", "atc_never_moves"}, out,
                errStream, null, () -> { })) {
            assertEquals("atc_never_moves", gateway.entryPoint.fault());
            gateway.entryPoint.setFault("");
            assertEquals("", gateway.entryPoint.fault());
        }
        ByteArrayOutputStream listed = new ByteArrayOutputStream();
        try {
            GatewayMain.start(new String[] {"--faults"}, new PrintStream(listed, true, StandardCharsets.UTF_8),
                    errStream, null, () -> { }).close();
            fail();
        } catch (GatewayMain.Exit e) {
            assertEquals(0, e.code);
            assertEquals(Fault.table(), listed.toString(StandardCharsets.UTF_8));
        }
        err.reset();
        assertEquals(2, VpcdMain.run(new String[] {"--fault", "nope"}, out, errStream));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("error: unknown fault 'nope'"));
    }
}
