package sscard.applet;

import static org.junit.Assert.assertEquals;
import static sscard.applet.TestCard.BANK_ENC;
import static sscard.applet.TestCard.BANK_MAC;
import static sscard.applet.TestCard.MAINT;
import static sscard.applet.TestCard.PBOC_AID;
import static sscard.applet.TestCard.SSSE_AID;
import static sscard.applet.TestCard.apdu;
import static sscard.applet.TestCard.encipher;
import static sscard.applet.TestCard.format2;
import static sscard.applet.TestCard.hex;

import org.junit.Before;
import org.junit.Test;

/** The financial application in jCardSim: every command's success path and status words. */
public class FinanceAppletTest {

    private TestCard card;

    @Before
    public void setUp() {
        card = TestCard.active();
        card.selectPboc();
    }

    @Test
    public void selectAnswersTheEmvFci() {
        assertEquals("6F1B8408A0000003330101018A0105A50C500A50424F43204445424954",
                hex(card.ok("00A4040008" + hex(PBOC_AID))));
        card.expect("6A82", "00A4040006D15600000500");
        card.expect("6A86", "00A4020002EF05");
        card.expect("6700", "00A4040004A0000003");
    }

    @Test
    public void readRecord() {
        assertEquals("701C5A0A6217001234567890123F5F3401015F24033412315F2503240101", hex(card.ok("00B2010C00")));
        assertEquals(31, card.ok("00B2020C").length);
        card.expect("6C1F", "00B2020C10");
        card.expect("6A83", "00B2030C00");
        card.expect("6A82", "00B2011400");
        card.expect("6A86", "00B2010D00");
    }

    @Test
    public void getData() {
        assertEquals("9F170103", hex(card.ok("80CA9F1700")));
        assertEquals("9F36020001", hex(card.ok("80CA9F3600")));
        card.expect("6C05", "80CA9F3601");
        card.expect("6A86", "80CA9F1300");
        card.expect("9000", card.mac("84240000", BANK_MAC));
        assertEquals("9F36020002", hex(card.ok("80CA9F3600")));
        // SSC-FIN-3: a refused command moves nothing, not even with a MAC that verifies
        card.expect("6A80", card.mac("84240002", encipher(BANK_ENC, hex("0102030405060708")), BANK_MAC));
        card.expect("6988", card.mac("84240000", MAINT));
        assertEquals("9F36020002", hex(card.ok("80CA9F3600")));
    }

    @Test
    public void offlinePin() {
        card.expect("63C3", "00200080");
        card.expect("63C2", apdu("00200080", format2("4321")));
        card.expect("9000", apdu("00200080", format2("1234")));
        card.expect("9000", "00200080");
        card.expect("6A80", "0020008008FF1111FFFFFFFFFF");
        card.expect("6700", "0020008004241234FF");
        card.expect("6A86", apdu("00200000", format2("1234")));
        for (int left = 2; left >= 0; left--) {
            card.expect(String.format("63C%X", left), apdu("00200080", format2("0000")));
        }
        card.expect("6983", apdu("00200080", format2("1234")));
        assertEquals("9F170100", hex(card.ok("80CA9F1700")));
    }

    @Test
    public void issuerScripts() {
        for (int i = 0; i < 3; i++) {
            card.expect(String.format("63C%X", 2 - i), apdu("00200080", format2("0000")));
        }
        card.expect("6988", card.mac("84240000", MAINT));   // a social key
        card.expect("9000", card.mac("84240000", BANK_MAC));
        card.expect("9000", apdu("00200080", format2("1234")));
        byte[] newPin = encipher(BANK_ENC, format2("4321"));
        assertEquals("031144F17A4A71918133B5F9344DD183", hex(newPin));
        card.expect("9000", card.mac("84240002", newPin, BANK_MAC));
        card.expect("9000", apdu("00200080", format2("4321")));
        card.expect("6A86", card.mac("84240001", BANK_MAC));
        card.expect("9000", card.mac("841E0000", BANK_MAC));
        card.expect("6985", apdu("00200080", format2("4321")));
        card.expect("9000", card.mac("84180000", BANK_MAC));
        card.expect("9000", apdu("00200080", format2("4321")));
    }

    @Test
    public void cardBlockFromTheBankEndsTheSocialApplication() {
        card.expect("9000", card.mac("84160000", BANK_MAC));
        card.expect("6A81", "80CA9F1700");
        card.expect("6A81", apdu("00A40400", SSSE_AID));
    }

    @Test
    public void separateFromTheSocialApplication() {
        card.expect("6D00", "0088000308" + "0000000000000000");
        card.expect("6D00", "80DA00000120");
        card.expect("9000", card.mac("841E0000", BANK_MAC));
        card.selectSsse();
        card.expect("9000", "0020000003123456");
    }
}
