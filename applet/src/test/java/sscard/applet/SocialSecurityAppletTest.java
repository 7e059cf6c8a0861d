package sscard.applet;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static sscard.applet.TestCard.IK;
import static sscard.applet.TestCard.MAINT;
import static sscard.applet.TestCard.RELOAD;
import static sscard.applet.TestCard.RK;
import static sscard.applet.TestCard.SSSE_AID;
import static sscard.applet.TestCard.SSSE_PERSO;
import static sscard.applet.TestCard.UNBLOCK;
import static sscard.applet.TestCard.apdu;
import static sscard.applet.TestCard.bcdPin;
import static sscard.applet.TestCard.concat;
import static sscard.applet.TestCard.encipher;
import static sscard.applet.TestCard.hex;
import static sscard.applet.TestCard.tdesEcb;

import java.util.Arrays;
import org.junit.Before;
import org.junit.Test;

/** The social security application in jCardSim: every command's success path and status words. */
public class SocialSecurityAppletTest {

    private TestCard card;

    @Before
    public void setUp() {
        card = TestCard.active();
        card.selectSsse();
    }

    private static String fci(int state) {
        return "6F14840F" + hex(SSSE_AID) + "8A01" + String.format("%02X", state);
    }

    @Test
    public void selectApplicationDfsAndEfs() {
        assertEquals(fci(5), hex(card.ok("00A404000F" + hex(SSSE_AID))));
        assertEquals("6F088406D15600000503", hex(card.ok("00A4040006D15600000503")));
        card.expect("6A82", "00A4040006D15600000509");
        card.expect("6700", "00A4040003D15600");
        card.expect("9000", "00A4020002EF05");
        card.expect("6982", "00B2010400");                     // DF04: the PIN first
        card.expect("9000", "0020000003123456");
        assertEquals("D00100", hex(card.ok("00B2010400")));    // as created: not personalised
        card.expect("6A82", "00A4020002EF06");
        card.expect("6700", "00A4020001EF");
        card.expect("9000", "00A40300");
        card.expect("6700", "00A4030001EF");
        card.expect("6986", "00B2010400");
        card.expect("6A86", "00A4040C06D15600000500");
    }

    @Test
    public void readRecordModes() {
        assertEquals("07094B3132333435363738", hex(card.ok("00B2072C00")));
        assertEquals("0D0419900101", hex(card.ok("00B20D3000"))); // by tag 0D
        byte[] all = card.ok("00B2013500");                       // EF06, records 1..7
        assertEquals(91, all.length);
        assertEquals("0D0419900101", hex(Arrays.copyOfRange(all, 85, 91)));
        assertEquals("0D0419900101", hex(card.ok("00B2070400")));  // the current EF
        card.expect("6A83", "00B2082C00");
        card.expect("6A83", "00B2993000");
        card.expect("6A82", "00B2013C00");
        card.expect("6A86", "00B2002C00");
        card.expect("6A86", "00B201FC00");
        card.expect("6A86", "00B2012E00");
        card.expect("6700", "00B2012C0100");
        card.expect("6C12", "00B2012C05");
        assertEquals(18, card.ok("00B2012C12").length);
        assertEquals(18, card.ok("00B2012C").length);
    }

    @Test
    public void cardIdentificationCodeCarriesTheCardUniqueBytes() {
        assertEquals("0110000000D1560000051122334455667788", hex(card.ok("00B2012C00")));
    }

    @Test
    public void verifyCountsDownBlocksAndResets() {
        card.expect("63C6", "00200000");
        card.expect("63C5", "0020000003111111");
        card.expect("9000", "0020000003123456");
        card.expect("9000", "00200000");
        for (int left = 5; left >= 0; left--) {
            card.expect(String.format("63C%X", left), "0020000003111111");
        }
        card.expect("6983", "0020000003123456");
        card.expect("6983", "00200000");
        card.reset();
        card.selectSsse();
        card.expect("6983", "0020000003123456");
        card.expect("9000", card.mac("84240000", UNBLOCK));
        card.expect("63C6", "00200000");
        card.expect("9000", "0020000003123456");
    }

    @Test
    public void verifyRefusesMalformedPinsWithoutSpendingATry() {
        card.expect("6A80", "00200000031234AB");
        card.expect("6A80", "0020000002123F");
        card.expect("6700", "002000000112");
        card.expect("6A86", "0020000103123456");
        card.expect("63C6", "00200000");
    }

    @Test
    public void changePin() {
        card.expect("63C5", "805E010007111111FF654321");
        card.expect("6A80", "805E0100051234566543");
        card.expect("9000", "805E010007123456FF654321");
        card.expect("9000", "00200000");
        card.expect("63C5", "0020000003123456");
        card.expect("9000", "0020000003654321");
    }

    @Test
    public void reloadPin() {
        byte[] enc = encipher(RELOAD, bcdPin("888888"));
        byte[] bad = card.macCommand("845E0000", enc, RELOAD, 4);
        bad[bad.length - 1] ^= 1;
        card.expect("6988", bad);
        card.expect("9000", card.mac("845E0000", enc, RELOAD));
        card.expect("63C5", "0020000003123456");
        card.expect("9000", "0020000003888888");
        card.expect("6A80", card.mac("845E0000", encipher(RELOAD, hex("12")), RELOAD));
        card.expect("6984", concat(hex("845E00000C"), enc, new byte[4]));
    }

    @Test
    public void challengeIsSingleUse() {
        assertNotEquals(hex(card.challenge(8)), hex(card.challenge(8)));
        card.expect("6700", "00840000");
        card.expect("6700", "0084000005");
        card.expect("6A86", "0084000104");
        byte[] unblock = card.macCommand("84240000", new byte[0], UNBLOCK, 4);
        card.expect("9000", unblock);
        card.expect("6984", unblock);         // replayed
        byte[] block = card.macCommand("841E0000", new byte[0], MAINT, 4);
        card.expect("63C6", "00200000");      // any command spends it
        card.expect("6984", block);
    }

    @Test
    public void wrongMacChangesNothing() {
        byte[] block = card.macCommand("841E0000", new byte[0], MAINT, 4);
        block[6] ^= 1;
        card.expect("6988", block);
        assertEquals(fci(5), hex(card.ok("00A404000F" + hex(SSSE_AID))));
        card.expect("6988", card.mac("841E0000", UNBLOCK));
        card.expect("6700", concat(hex("841E000003"), Arrays.copyOf(block, 3)));
    }

    /** SSC-SM-6: 15 wrong MACs block the key, then even the right MAC is refused unseen. */
    @Test
    public void macFailuresBlockTheKeyUntilTheIssuerResetsIt() {
        for (int i = 0; i < 14; i++) {
            card.expect("6988", card.mac("841E0000", UNBLOCK));
        }
        card.expect("9000", card.mac("841E0000", MAINT));      // a right MAC: back to 15
        for (int i = 0; i < 15; i++) {
            card.expect("6988", card.mac("84180000", UNBLOCK));
        }
        card.expect("6983", card.mac("84180000", MAINT));
        card.expect("6983", card.mac("842C0002", MAINT));      // cannot vouch for anything now
        card.expect("6A86", card.mac("842C0003", UNBLOCK));    // IK has no counter
        card.expect("9000", card.mac("842C0004", UNBLOCK));    // SSC-KEY-6
        card.expect("9000", card.mac("84180000", MAINT));
    }

    /** SSC-KEY-6: a read key locked by garbage cryptograms comes back under the maintenance key. */
    @Test
    public void lockedReadKeyIsResetByTheIssuer() {
        for (int left = 9; left >= 0; left--) {
            card.expect(String.format("63C%X", left), card.externalAuthenticate(2, RK, false));
        }
        card.expect("6983", card.externalAuthenticate(2, RK, true));
        card.expect("6988", card.mac("842C0002", UNBLOCK));
        card.expect("9000", card.mac("842C0002", MAINT));
        card.expect("9000", card.externalAuthenticate(2, RK, true));
    }

    /** SSC-SM-7: a 3.0 card wants 8 challenge bytes for a MAC'd command; a 2.0 card takes 4. */
    @Test
    public void challengeLengthByProfile() {
        card.expect("9000", card.macCommand("841E0000", new byte[0], MAINT, 4));
        card = new TestCard(true, true);
        card.personaliseSsse(0x30);
        card.expect("6984", card.macCommand("84440000", new byte[0], MAINT, 4));
        card.expect("9000", card.macCommand("84440000", new byte[0], MAINT, 8));
    }

    @Test
    public void blockUnblockAndActivateStates() {
        card.expect("6985", card.mac("84180000", MAINT));
        card.expect("9000", card.mac("841E0000", MAINT));
        assertEquals(fci(6), hex(card.ok("00A404000F" + hex(SSSE_AID))));
        card.expect("6985", "0020000003123456");
        card.expect("9000", card.mac("841E0000", MAINT));
        card.expect("6985", card.mac("84440000", MAINT));
        card.expect("9000", card.mac("84180000", MAINT));
        card.expect("9000", "0020000003123456");
    }

    @Test
    public void externalAuthentication() {
        card.expect("6984", "0082000208" + "0000000000000000");
        card.expect("63C9", card.externalAuthenticate(2, RK, false));
        card.expect("9000", card.externalAuthenticate(2, RK, true));
        card.expect("6A88", card.externalAuthenticate(3, IK, true));
        card.expect("6A88", card.externalAuthenticate(9, RK, true));
        card.expect("6985", card.externalAuthenticate(1, SSSE_PERSO, true));
        for (int left = 9; left >= 0; left--) {
            card.expect(String.format("63C%X", left), card.externalAuthenticate(2, RK, false));
        }
        card.expect("6983", card.externalAuthenticate(2, RK, true));
    }

    @Test
    public void internalAuthentication() {
        byte[] terminal = hex("0011223344556677");
        assertArrayEquals(tdesEcb(IK, terminal), card.ok("0088000308" + hex(terminal)));
        assertEquals("CD599978DCCD8208", hex(card.data()));
        card.expect("6C08", "0088000308" + hex(terminal) + "04");
        card.expect("6A88", "0088000208" + hex(terminal));
        card.expect("6700", "0088000307" + hex(terminal).substring(2));
    }

    @Test
    public void profile3NeedsTheReadKey() {
        card = new TestCard(true, true);
        card.personaliseSsse(0x30);
        card.expect("9000", card.mac("84440000", MAINT));
        card.expect("9000", "00B2012C00");
        card.expect("6982", "00B2072C00");
        card.expect("6982", "00B2013400");
        card.expect("9000", card.externalAuthenticate(2, RK, true));
        card.expect("9000", "00B2072C00");
        card.expect("9000", "00B2013400");
    }

    @Test
    public void updateRecordWithMac() {
        card.expect("9000", card.mac("04DC0434", hex("0A0132"), MAINT));
        assertEquals("0A0132", hex(card.ok("00B2043400")));
        card.expect("6A80", card.mac("04DC0434", hex("0A0232"), MAINT));
        card.expect("6982", card.mac("04DC072C", hex("07094B3132333435363738"), MAINT));
        card.expect("9000", "00A4040006D15600000503");
        card.expect("6982", card.mac("04DC022C", hex("D103440300"), MAINT));
        card.expect("9000", "0020000003123456");
        card.expect("9000", card.mac("04DC022C", hex("D103440300"), MAINT));
        assertEquals("D103440300", hex(card.ok("00B2022C00")));
    }

    @Test
    public void checkOrder() {
        card.expect("6E00", "A0B2012C00");
        card.expect("6D00", "00B0000000");
        card.expect("6E00", "8020000003123456");
        card.expect("6A86", "0020008003123456");
        card.expect("6700", "841E00000300000000");
        card.expect("6984", "841E00000400000000");
    }

    @Test
    public void cardBlockEndsBothApplications() {
        card.expect("9000", card.mac("84160000", MAINT));
        card.expect("6A81", "00200000");
        card.expect("6A81", apdu("00A40400", SSSE_AID));
        card.expect("6A81", apdu("00A40400", TestCard.PBOC_AID));
        card.reset();
        card.expect("6A81", apdu("00A40400", TestCard.PBOC_AID));
        card.expect("6A81", apdu("00A40400", SSSE_AID));
    }

    @Test
    public void personalisationCommandsAreRefusedAfterwards() {
        card.expect("6985", "80DE0000");
        card.expect("6985", "80DA00000120");
        card.expect("6985", apdu("80D40000", concat(new byte[] {6}, encipher(SSSE_PERSO, bcdPin("1234")))));
    }

    @Test
    public void personalisationRefusals() {
        card = new TestCard();
        card.selectSsse();
        assertEquals(fci(3), hex(card.ok("00A404000F" + hex(SSSE_AID))));
        card.expect("6982", "80DE0000");
        card.expect("9000", card.externalAuthenticate(1, SSSE_PERSO, true));
        card.expect("6985", "80DE0000");
        card.expect("6A80", "80DA00000121");
        card.expect("6A88", apdu("80D80109", concat(encipher(SSSE_PERSO, MAINT), TestCard.kcv(MAINT))));
        card.expect("6A80", apdu("80D80104", concat(encipher(SSSE_PERSO, MAINT), TestCard.kcv(RK))));
        card.expect("6A80", apdu("80D40000", concat(new byte[] {0}, encipher(SSSE_PERSO, bcdPin("1234")))));
        card.expect("6A80", "00DC0734060D04199001AF");
        card.expect("6A83", "00DC0834060D0419900101");
        card.expect("6985", "0088000308" + "0000000000000000");
    }
}
