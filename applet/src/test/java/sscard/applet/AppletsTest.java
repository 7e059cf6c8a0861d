package sscard.applet;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.fail;

import com.licel.jcardsim.smartcardio.CardSimulator;
import java.util.HexFormat;
import javacard.framework.AID;
import javacard.framework.Applet;
import javacard.framework.SystemException;
import org.junit.Before;
import org.junit.Test;
import sscard.pboc.FinanceApplet;
import sscard.ssse.SocialSecurityApplet;

/** Both placeholder applets in jCardSim, in-process. */
public class AppletsTest {

    static final byte[] SSSE_AID = hex("7378312E73682EC9E7BBE1B1A3D5CF");
    static final byte[] PBOC_AID = hex("A000000333010101");

    private CardSimulator card;

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    static AID aid(byte[] bytes) {
        return new AID(bytes, (short) 0, (byte) bytes.length);
    }

    /** GlobalPlatform INSTALL [for install] parameters: Li AID, Lc (no control info), La (no data). */
    static byte[] installParams(byte[] aid) {
        byte[] params = new byte[aid.length + 3];
        params[0] = (byte) aid.length;
        System.arraycopy(aid, 0, params, 1, aid.length);
        return params;
    }

    static byte[] select(byte[] aid) {
        byte[] apdu = new byte[5 + aid.length];
        apdu[1] = (byte) 0xA4;
        apdu[2] = 0x04;
        apdu[4] = (byte) aid.length;
        System.arraycopy(aid, 0, apdu, 5, aid.length);
        return apdu;
    }

    private void install(byte[] aid, Class<? extends Applet> cls) {
        byte[] params = installParams(aid);
        card.installApplet(aid(aid), cls, params, (short) 0, (byte) params.length);
    }

    private void assertSw(String sw, byte[] command) {
        assertEquals(sw, HexFormat.of().withUpperCase().formatHex(card.transmitCommand(command)));
    }

    @Before
    public void setUp() {
        card = new CardSimulator();
        install(SSSE_AID, SocialSecurityApplet.class);
        install(PBOC_AID, FinanceApplet.class);
    }

    @Test
    public void bothApplicationsSelect() {
        assertSw("9000", select(SSSE_AID));
        assertSw("9000", select(PBOC_AID));
        assertSw("9000", select(SSSE_AID));
    }

    @Test
    public void otherCommandsAreNotSupportedYet() {
        for (byte[] aid : new byte[][] {SSSE_AID, PBOC_AID}) {
            assertSw("9000", select(aid));
            assertSw("6D00", hex("00B0850000"));          // READ BINARY
            assertSw("6D00", hex("0020000003123456"));    // VERIFY
            assertSw("6D00", hex("8084000008"));          // GET CHALLENGE, proprietary class
            assertSw("6D00", hex("84CA9F3600"));          // proprietary class with SM
        }
    }

    @Test
    public void unsupportedClassAnswers6E00() {
        for (byte[] aid : new byte[][] {SSSE_AID, PBOC_AID}) {
            assertSw("9000", select(aid));
            assertSw("6E00", hex("01B0000000"));   // logical channel 1
            assertSw("6E00", hex("10B0000000"));   // command chaining
            assertSw("6E00", hex("A0B0000000"));
        }
    }

    @Test
    public void selectOfAnUnknownAidIsForwardedAndAnswers6A82() {
        assertSw("9000", select(SSSE_AID));
        assertSw("6A82", select(hex("A0000000031010")));
        assertSw("6D00", hex("00B0850000")); // the social security applet is still selected
    }

    @Test
    public void powerCycleLeavesNoAppletSelected() {
        assertSw("9000", select(PBOC_AID));
        card.reset();
        assertSw("6986", hex("00B0850000")); // jCardSim: no applet selected
        assertSw("9000", select(PBOC_AID));
    }

    @Test
    public void withoutInstallParamsTheAssignedAidIsUsed() {
        card = new CardSimulator();
        card.installApplet(aid(SSSE_AID), SocialSecurityApplet.class); // jCardSim passes bLength 0
        assertSw("9000", select(SSSE_AID));
    }

    @Test
    public void theInstanceAidFromTheParamsIsRegistered() {
        card = new CardSimulator();
        byte[] other = hex("7378312E7300FF01");
        byte[] params = installParams(other);
        card.installApplet(aid(SSSE_AID), SocialSecurityApplet.class, params, (short) 0,
                (byte) params.length);
        assertSw("9000", select(other));
    }

    @Test
    public void malformedInstallParamsFailTheInstall() {
        for (byte[] params : new byte[][] {{3, 1, 2, 3}, {20, 1, 2, 3, 4, 5}, {8, 1, 2, 3, 4, 5}}) {
            card = new CardSimulator();
            try {
                card.installApplet(aid(SSSE_AID), SocialSecurityApplet.class, params, (short) 0,
                        (byte) params.length);
                fail("installed with parameters " + HexFormat.of().formatHex(params));
            } catch (SystemException expected) {
                // jCardSim reports any install failure as a SystemException
            }
        }
    }

    @Test
    public void selectResponseCarriesNoData() {
        assertArrayEquals(hex("9000"), card.transmitCommand(select(SSSE_AID)));
    }
}
