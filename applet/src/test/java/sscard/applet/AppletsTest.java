package sscard.applet;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.fail;
import static sscard.applet.TestCard.MAINT;
import static sscard.applet.TestCard.PBOC_AID;
import static sscard.applet.TestCard.SSSE_AID;
import static sscard.applet.TestCard.SSSE_PERSO;
import static sscard.applet.TestCard.apdu;
import static sscard.applet.TestCard.concat;
import static sscard.applet.TestCard.hex;

import com.licel.jcardsim.smartcardio.CardSimulator;
import javacard.framework.AID;
import javacard.framework.SystemException;
import org.junit.Test;
import sscard.common.CardTermination;
import sscard.pboc.FinanceApplet;
import sscard.ssse.SocialSecurityApplet;

/** Installation, selection and what the two applications share across the firewall. */
public class AppletsTest {

    static AID aid(byte[] bytes) {
        return new AID(bytes, (short) 0, (byte) bytes.length);
    }

    @Test
    public void bothApplicationsSelectInPersonalisation() {
        TestCard card = new TestCard();
        assertEquals("6F14840F" + hex(SSSE_AID) + "8A0103", hex(card.ok("00A404000F" + hex(SSSE_AID))));
        assertEquals("6F1B8408" + hex(PBOC_AID) + "8A0103A50C500A50424F43204445424954",
                hex(card.ok("00A4040008" + hex(PBOC_AID))));
    }

    @Test
    public void powerCycleLeavesNoAppletSelected() {
        TestCard card = new TestCard();
        card.selectPboc();
        card.reset();
        card.expect("6986", "00B2010C00"); // jCardSim: no applet selected
    }

    @Test
    public void installWithoutAppletDataLeavesNoTransportKey() {
        CardSimulator sim = new CardSimulator();
        sim.installApplet(aid(SSSE_AID), SocialSecurityApplet.class); // jCardSim passes bLength 0
        TestCardOn card = new TestCardOn(sim);
        card.expect("9000", apdu("00A40400", SSSE_AID));
        card.expect("9000", "0084000008");
        card.expect("6A88", "0082000108" + "0000000000000000");
        assertEquals("0110000000D1560000050000000000000000", card.data("00B2012C00"));
    }

    @Test
    public void theInstanceAidFromTheParamsIsRegistered() {
        CardSimulator sim = new CardSimulator();
        byte[] other = hex("7378312E7300FF01");
        byte[] params = TestCard.installParams(other, concat(hex("0200"), SSSE_PERSO, TestCard.CARD_UNIQUE));
        sim.installApplet(aid(SSSE_AID), SocialSecurityApplet.class, params, (short) 0, (byte) params.length);
        TestCardOn card = new TestCardOn(sim);
        assertEquals("6F0D84087378312E7300FF018A0103", card.data("00A4040008" + hex(other)));
    }

    @Test
    public void malformedInstallParamsFailTheInstall() {
        byte[][] bad = {
            {3, 1, 2, 3},                                          // AID of 3 bytes
            {20, 1, 2, 3, 4, 5},                                   // runs past the parameters
            TestCard.installParams(SSSE_AID, hex("01")),           // applet data too short
            TestCard.installParams(SSSE_AID, concat(hex("0100"), SSSE_PERSO, TestCard.CARD_UNIQUE)), // version
            TestCard.installParams(SSSE_AID, concat(hex("0202"), SSSE_PERSO, TestCard.CARD_UNIQUE)), // algorithm
            TestCard.installParams(SSSE_AID, concat(hex("01"), SSSE_PERSO)),  // the PBOC's layout
        };
        for (byte[] params : bad) {
            CardSimulator sim = new CardSimulator();
            try {
                sim.installApplet(aid(SSSE_AID), SocialSecurityApplet.class, params, (short) 0, (byte) params.length);
                fail("installed with parameters " + hex(params));
            } catch (SystemException expected) {
                // jCardSim reports any install failure as a SystemException
            }
        }
    }

    @Test
    public void terminationIsSharedOnlyWithTheOtherApplication() {
        TestCard card = new TestCard();
        card.selectSsse(); // the JCRE hands the request over with the SSSE as client
        javacard.framework.Shareable sio = javacard.framework.JCSystem.getAppletShareableInterfaceObject(
                aid(PBOC_AID), CardTermination.PARAMETER);
        assertSame(FinanceApplet.class, sio.getClass());
        assertNull(javacard.framework.JCSystem.getAppletShareableInterfaceObject(aid(PBOC_AID), (byte) 0));
    }

    @Test
    public void cardBlockOfATemporaryCardEndsTheOnlyApplication() {
        TestCard card = new TestCard(false);
        card.personaliseSsse(0x20);
        card.expect("9000", card.mac("84160000", MAINT));
        card.expect("6A81", apdu("00A40400", SSSE_AID));
    }

    @Test
    public void cardBlockWhileTheOtherIsInPersonalisation() {
        TestCard card = new TestCard();
        card.personaliseSsse(0x20);
        card.expect("9000", card.mac("84160000", MAINT));
        card.expect("6A81", apdu("00A40400", PBOC_AID));
    }

    /** The transport helpers of {@link TestCard} on a simulator set up by the test itself. */
    static final class TestCardOn {
        private final CardSimulator sim;

        TestCardOn(CardSimulator sim) {
            this.sim = sim;
        }

        void expect(String sw, byte[] apdu) {
            byte[] r = sim.transmitCommand(apdu);
            assertEquals(hex(apdu), sw, hex(java.util.Arrays.copyOfRange(r, r.length - 2, r.length)));
        }

        void expect(String sw, String apdu) {
            expect(sw, hex(apdu));
        }

        String data(String apdu) {
            byte[] r = sim.transmitCommand(hex(apdu));
            assertEquals(apdu, "9000", hex(java.util.Arrays.copyOfRange(r, r.length - 2, r.length)));
            return hex(java.util.Arrays.copyOf(r, r.length - 2));
        }
    }
}
