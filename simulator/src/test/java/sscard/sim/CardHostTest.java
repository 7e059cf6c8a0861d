package sscard.sim;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.Before;
import org.junit.Test;
import java.util.concurrent.atomic.AtomicBoolean;
import sscard.sim.probe.FailingApplet;
import sscard.sim.probe.ProbeApplet;

public class CardHostTest {

    static final String SSSE = "7378312E73682EC9E7BBE1B1A3D5CF";
    static final String PBOC = "A000000333010101";
    static final String PROBE = "F0000000010101";

    private CardHost card;

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    /** The status word of a response in hex: our applets answer SELECT with an FCI, the probe without. */
    static String sw(String responseHex) {
        return responseHex.substring(responseHex.length() - 4);
    }

    static String hex(byte[] b) {
        return HexFormat.of().withUpperCase().formatHex(b);
    }

    static byte[] select(String aidHex) {
        byte[] aid = hex(aidHex);
        byte[] apdu = new byte[5 + aid.length];
        apdu[1] = (byte) 0xA4;
        apdu[2] = 0x04;
        apdu[4] = (byte) aid.length;
        System.arraycopy(aid, 0, apdu, 5, aid.length);
        return apdu;
    }

    private String send(byte[] apdu) {
        return hex(card.transmit(apdu));
    }

    private String send(String apdu) {
        return send(hex(apdu));
    }

    @Before
    public void setUp() {
        card = new CardHost();
        AppletSpec.DEFAULTS.forEach(a -> a.installOn(card));
    }

    @Test
    public void bothApplicationsSelect() {
        assertEquals("9000", CardHostTest.sw(send(select(SSSE))));
        assertEquals("9000", CardHostTest.sw(send(select(PBOC))));
        assertEquals("6D00", send("00B0850000"));
    }

    @Test
    public void unknownAidAnswers6A82WithOrWithoutASelectedApplet() {
        assertEquals("6A82", send(select("A0000000031010")));   // nothing selected: CardHost
        assertEquals("9000", CardHostTest.sw(send(select(SSSE))));
        assertEquals("6A82", send(select("A0000000031010")));   // forwarded to the applet
        assertEquals("6D00", send("00B0850000"));                // which stays selected
    }

    @Test
    public void onlyAFullAidSelectsAsInTheJavaCardRuntime() {
        // nothing selected: a part of an AID, no AID, Lc without data name no applet (jCardSim: 9000)
        assertEquals("6A82", send(select("A000000333")));
        assertEquals("6A82", send("00A404000E7378312E73682EC9E7BBE1B1A3D5CF"));
        assertEquals("6A82", send("00A40400"));
        assertEquals("6A82", send("00A4040006"));
        // other SELECT forms are no applet SELECT: with nothing selected, no applet takes them
        assertEquals("6986", send("00A404080F" + SSSE));
        assertEquals("6986", send("04A404000F" + SSSE));
        assertEquals("6986", send("8010000002"));
        // with an applet selected they go to it: our SELECT answers 6700 / 6A82 for no or a partial AID
        assertEquals("9000", CardHostTest.sw(send(select(SSSE))));
        assertEquals("6700", send("00A4040008"));
        assertEquals("6A82", send("00A4040007A000000333010101"));
    }

    /** SSSE selected with DF01 current: EF06 exists only at the root, so SELECT EF06 shows the DF. */
    private void assertStillInDf01() {
        assertEquals("6A82", send("00A4020002EF06"));
    }

    @Test
    public void refusedSelectsLeaveTheAppletAndItsSessionAlone() {
        assertEquals("9000", CardHostTest.sw(send(select(SSSE))));
        assertEquals("9000", CardHostTest.sw(send(select("D15600000500")))); // DF01, inside the SSSE
        assertStillInDf01();
        assertEquals("6A86", send("00A404080F" + SSSE));          // P2 08: forwarded, refused
        assertStillInDf01();
        assertEquals("6A86", send("00A4040C0F" + SSSE));
        assertStillInDf01();
        assertEquals("6881", send("03A404000F" + SSSE));          // channel 3: refused by the runtime
        assertEquals("6881", send("41A404000F" + SSSE));          // channel 5
        assertStillInDf01();
        assertEquals("6700", send("00A40400"));                  // no AID: forwarded, refused
        assertEquals("6A82", send("00A404000E7378312E73682EC9E7BBE1B1A3D5CF"));
        assertStillInDf01();
        assertEquals("9000", CardHostTest.sw(send(select(SSSE)))); // the full AID selects anew
        assertEquals("9000", send("00A4020002EF06"));             // at the root again
    }

    @Test
    public void otherLogicalChannelsAnswer6881AndSelectNothing() {
        assertEquals("6881", send("01A404000F" + SSSE));
        assertEquals("6881", send("4FA404000F" + SSSE));
        assertEquals("6881", send("81B2010C00"));
        assertEquals("6986", send("80CA9F1700"));                // still nothing selected
        assertEquals("9000", CardHostTest.sw(send(select(SSSE))));
        assertEquals("6E00", send("FF000000"));                  // CLA FF names no channel: the applet's
    }

    @Test
    public void powerCycleDeselectsClearsRamAndKeepsPersistentState() {
        card.install(ProbeApplet.class.getName(), PROBE);
        assertEquals("9000", CardHostTest.sw(send(select(PROBE))));
        assertEquals("01019000", send("8010000002"));
        assertEquals("02029000", send("8010000002"));
        card.powerCycle();
        assertEquals("6986", send("8010000002"));                // no applet selected
        assertEquals("9000", CardHostTest.sw(send(select(PROBE))));
        assertEquals("01039000", send("8010000002"));            // RAM cleared, EEPROM kept
        card.powerCycle();
        card.powerCycle();
        assertEquals("9000", CardHostTest.sw(send(select(SSSE))));
    }

    @Test
    public void installPassesGlobalPlatformParameters() {
        card.install(ProbeApplet.class.getName(), PROBE, hex("CAFE01"));
        assertEquals("9000", CardHostTest.sw(send(select(PROBE))));
        assertEquals("CAFE019000", send("8001000000"));
    }

    @Test
    public void atrIsJCardSimsDefault() {
        assertEquals("3BFA1800008131FE454A434F5033315632333298", hex(card.atr()));
    }

    @Test
    public void malformedApdusAnswer6700() {
        for (String apdu : new String[] {"", "00", "00A404", "00A4040008A0", "00A40400020102FFFF",
                "00A4040000000501", "00B2012C0000", "00DC012CFF" + "00".repeat(256)}) {
            assertEquals(apdu, "6700", send(hex(apdu))); // 6 bytes "00 xx": half an extended Lc; 261: too long
        }
        try {
            card.transmit(null);
            fail("null APDU accepted");
        } catch (IllegalArgumentException expected) {
            assertEquals("apdu is null", expected.getMessage());
        }
    }

    @Test
    public void oddButWellFormedApdusDoNotThrow() {
        byte[] longSelect = new byte[5 + 200];
        longSelect[1] = (byte) 0xA4;
        longSelect[2] = 0x04;
        longSelect[4] = (byte) 200;
        String sw = send(longSelect);
        assertEquals(sw, 4, sw.length());
        assertEquals("9000", CardHostTest.sw(send(select(SSSE))));
        assertEquals("6700", send("00B0000000000A"));  // extended Le: the applet is not ExtendedLength
        assertEquals("6D00", send("00B0850000"));
    }

    private void assertInstallFails(String className, String aid, String message) {
        try {
            card.install(className, aid);
            fail("installed " + className + " at " + aid);
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains(message));
        }
    }

    @Test
    public void badInstallsAreRejectedClearly() {
        assertInstallFails("sscard.NoSuchApplet", PROBE, "unknown applet class sscard.NoSuchApplet");
        assertInstallFails("java.lang.String", PROBE, "java.lang.String is not a javacard.framework.Applet");
        assertInstallFails(ProbeApplet.class.getName(), "F00000", "AID must be 5 to 16 bytes, got 3");
        assertInstallFails(ProbeApplet.class.getName(), "F0000000010101010101010101010101FF",
                "AID must be 5 to 16 bytes, got 17");
        assertInstallFails(ProbeApplet.class.getName(), "F00000000Z", "hex digits only");
        assertInstallFails(ProbeApplet.class.getName(), "F000000001F", "even number of hex digits");
        assertInstallFails(ProbeApplet.class.getName(), SSSE.toLowerCase(),
                "AID " + SSSE + " is already in use by sscard.ssse.SocialSecurityApplet");
        try {
            card.install(ProbeApplet.class.getName(), PROBE, new byte[128 - 3 - 7]);
            fail("installed with 128 bytes of install parameters");
        } catch (IllegalArgumentException e) {
            assertEquals("install data for a 7-byte AID is limited to 117 bytes, got 118", e.getMessage());
        }
        card.install(ProbeApplet.class.getName(), PROBE, new byte[117]);
        // the card still works after all that
        assertEquals("9000", CardHostTest.sw(send(select(SSSE))));
    }

    @Test
    public void transmitIsThreadSafe() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Boolean>> jobs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                String aid = t % 2 == 0 ? SSSE : PBOC;
                jobs.add(() -> {
                    for (int i = 0; i < 2000; i++) {
                        if (!"9000".equals(sw(hex(card.transmit(select(aid)))))) {
                            return false;
                        }
                    }
                    return true;
                });
            }
            for (Future<Boolean> result : pool.invokeAll(jobs)) {
                assertTrue(result.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ---------------------------------------------------------------- freshCard

    private static AppletSpec probe(String dataHex) {
        return new AppletSpec(ProbeApplet.class.getName(), PROBE, dataHex);
    }

    @Test
    public void freshCardWithNoAppletsReinstallsTheSameWithNewState() {
        card.install(ProbeApplet.class.getName(), PROBE.toLowerCase(), hex("CAFE01"));
        assertEquals(List.of(AppletSpec.DEFAULTS.get(0), AppletSpec.DEFAULTS.get(1), probe("CAFE01")),
                card.applets());
        byte[] atr = card.atr();
        assertEquals("9000", CardHostTest.sw(send(select(PROBE))));
        assertEquals("01019000", send("8010000002"));
        assertEquals("02029000", send("8010000002"));

        card.freshCard(List.of());
        assertEquals("6986", send("8010000002"));                // nothing selected, as after power-up
        assertEquals("9000", CardHostTest.sw(send(select(PROBE))));
        assertEquals("01019000", send("8010000002"));            // EEPROM new too
        assertEquals("CAFE019000", send("8001000000"));          // same install data
        assertEquals("9000", CardHostTest.sw(send(select(SSSE))));
        assertEquals("9000", CardHostTest.sw(send(select(PBOC))));
        assertEquals(hex(atr), hex(card.atr()));
        assertEquals(3, card.applets().size());

        card.freshCard(null);                                    // null is "the same" as well
        assertEquals(3, card.applets().size());
        assertEquals("9000", CardHostTest.sw(send(select(PROBE))));
        assertEquals("01019000", send("8010000002"));
    }

    @Test
    public void freshCardWithAppletsHoldsOnlyThose() {
        card.freshCard(List.of(probe("0102"), new AppletSpec(ProbeApplet.class.getName(), "F0000000020202", "")));
        assertEquals(List.of(probe("0102"), new AppletSpec(ProbeApplet.class.getName(), "F0000000020202")),
                card.applets());
        assertEquals("6A82", send(select(SSSE)));
        assertEquals("9000", CardHostTest.sw(send(select(PROBE))));
        assertEquals("01029000", send("8001000000"));
        assertEquals("9000", CardHostTest.sw(send(select("F0000000020202"))));
        assertEquals("9000", send("8001000000"));

        // installs after a fresh card are recorded and come back with the next one
        card.install(AppletSpec.DEFAULTS.get(1).className(), PBOC);
        card.freshCard(List.of());
        assertEquals(3, card.applets().size());
        assertEquals("9000", CardHostTest.sw(send(select(PBOC))));
        assertEquals("6A82", send(select(SSSE)));

        // an empty card stays empty
        CardHost empty = new CardHost();
        empty.freshCard(List.of());
        assertEquals(List.of(), empty.applets());
        assertEquals("6A82", hex(empty.transmit(select(PROBE))));
    }

    private void assertFreshCardFails(List<AppletSpec> applets, String message) {
        try {
            card.freshCard(applets);
            fail("fresh card with " + applets);
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains(message));
        }
    }

    @Test
    public void aFailedFreshCardKeepsTheOldCardUntouched() {
        card.install(ProbeApplet.class.getName(), PROBE, hex("AA"));
        List<AppletSpec> before = card.applets();
        assertEquals("9000", CardHostTest.sw(send(select(PROBE))));
        assertEquals("01019000", send("8010000002"));

        assertFreshCardFails(List.of(probe(""), new AppletSpec("no.Such", "F000000009")),
                "unknown applet class no.Such");
        assertFreshCardFails(List.of(probe(""), probe("01")), "AID " + PROBE + " is already in use");
        assertFreshCardFails(List.of(probe(""), new AppletSpec(FailingApplet.class.getName(), "F000000009")),
                "installing sscard.sim.probe.FailingApplet at AID F000000009 failed: ");
        assertFreshCardFails(List.of(new AppletSpec(ProbeApplet.class.getName(), PROBE, "00".repeat(118))),
                "install data for a 7-byte AID is limited to 117 bytes, got 118");
        assertFreshCardFails(List.of(new AppletSpec(ProbeApplet.class.getName(), "F0")),
                "AID must be 5 to 16 bytes, got 1");
        java.util.ArrayList<AppletSpec> withNull = new java.util.ArrayList<>();
        withNull.add(null);
        assertFreshCardFails(withNull, "applet is null");

        // still the same card, probe still selected, its RAM and EEPROM counters running on
        assertEquals("02029000", send("8010000002"));
        assertEquals("AA9000", send("8001000000"));
        assertEquals(before, card.applets());
        card.install(ProbeApplet.class.getName(), "F000000009");   // and it still takes installs
        assertEquals("9000", CardHostTest.sw(send(select("F000000009"))));
    }

    @Test
    public void freshCardIsAtomicForConcurrentTransmits() throws Exception {
        card.install(ProbeApplet.class.getName(), PROBE);
        // RAM and EEPROM counters start together on every new card: they stay equal
        Set<String> allowed = new HashSet<>(List.of("9000", "6986"));
        for (int i = 0; i < 256; i++) {
            allowed.add(String.format("%02X%02X9000", i, i));
        }
        AtomicBoolean done = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<String>> clients = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                clients.add(pool.submit(() -> {
                    int n = 0;
                    while (!done.get() || n < 200) {
                        String sw = hex(card.transmit(n % 3 == 0 ? select(PROBE) : hex("8010000002")));
                        if (!allowed.contains(sw)) {
                            return "unexpected " + sw;
                        }
                        n++;
                    }
                    return "ok";
                }));
            }
            Future<?> swapper = pool.submit(() -> {
                for (int i = 0; i < 200; i++) {
                    card.freshCard(List.of());
                }
                done.set(true);
                return null;
            });
            swapper.get(60, java.util.concurrent.TimeUnit.SECONDS);
            for (Future<String> client : clients) {
                assertEquals("ok", client.get(60, java.util.concurrent.TimeUnit.SECONDS));
            }
        } finally {
            done.set(true);
            pool.shutdownNow();
        }
        assertEquals(3, card.applets().size());
    }
}
