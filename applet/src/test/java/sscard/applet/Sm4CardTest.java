package sscard.applet;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static sscard.applet.TestCard.IK;
import static sscard.applet.TestCard.MAINT;
import static sscard.applet.TestCard.RELOAD;
import static sscard.applet.TestCard.RK;
import static sscard.applet.TestCard.apdu;
import static sscard.applet.TestCard.bcdPin;
import static sscard.applet.TestCard.hex;

import java.util.Arrays;
import org.junit.Test;

/**
 * The SSSE of a 3rd-generation card: installed with SM4 keys (install algorithm 01), personalised with
 * access profile 3.0 (SSC-KEY-5, SSC-PERSO-5). The GB/T 32907 and MAC vectors of the cipher itself are
 * {@link Sm4Test}; these are the card's commands.
 */
public class Sm4CardTest {

    private static TestCard activeSm4Card() {
        TestCard card = new TestCard(false, true);
        card.personaliseSsse(0x30);
        card.expect("9000", card.mac("84440000", MAINT));
        card.reset();
        card.selectSsse();
        return card;
    }

    /** KAT-SM4INT-1 of apdu_spec/crypto.toml: the 16-byte terminal block enciphered under IK. */
    @Test
    public void internalAuthenticateAnswersTheSpecVector() {
        TestCard card = activeSm4Card();
        assertEquals("3132333435363738393A3B3C3D3E3F40", hex(IK));
        card.expect("9000", "0088000310" + "00112233445566778899AABBCCDDEEFF");
        assertEquals("F62FA3DC1BEE4C649C6132A99ECD7AED", hex(card.data()));
        card.expect("6700", "0088000308" + "0011223344556677");
    }

    /** SSC-SM-1, SSC-SM-2, SSC-SM-7: Le 10, the SM4 MAC over every challenge length the profile takes. */
    @Test
    public void macdCommandsWithSm4() {
        TestCard card = activeSm4Card();
        assertEquals(16, card.challenge(16).length);
        card.expect("6984", card.macCommand("841E0000", new byte[0], MAINT, 4));
        card.expect("9000", card.macCommand("841E0000", new byte[0], MAINT, 16));
        card.expect("9000", card.macCommand("84180000", new byte[0], MAINT, 8));
        // a 3DES retail MAC is not the SM4 one
        byte[] ch = card.challenge(8);
        byte[] head = TestCard.hex("841E000004");
        byte[] wrong = Arrays.copyOf(TestCard.retailMac(MAINT, head, TestCard.iv(ch)), 4);
        card.expect("6988", TestCard.concat(head, wrong));
    }

    /** SSC-KEY-3: one SM4 block; the 3DES length answers 6700 and spends no try. */
    @Test
    public void externalAuthenticateTakesOneSm4Block() {
        TestCard card = activeSm4Card();
        card.challenge(8);
        card.expect("6700", "0082000208" + "0000000000000000");
        card.expect("63C9", card.externalAuthenticate(2, RK, false));
        card.expect("9000", card.externalAuthenticate(2, RK, true));
        card.expect("9000", "00B2072C00");
    }

    /** SSC-PIN-9, SSC-SM-4: RELOAD PIN with the PIN in one SM4 block (Lc 20), VERIFY with it. */
    @Test
    public void reloadPinEncipheredWithSm4() {
        TestCard card = activeSm4Card();
        byte[] cryptogram = card.encipherNow(RELOAD, bcdPin("246810"));
        assertEquals(16, cryptogram.length);
        card.expect("9000", card.macCommand("845E0000", cryptogram, RELOAD, 16));
        card.expect("63C5", "0020000003123456");
        card.expect("9000", "0020000003246810");
    }

    /** SSC-PERSO-5: an SM4 card takes profile 3.0 only, a 3DES card 2.0 only; a 3DES card has no Le 10. */
    @Test
    public void theProfileFollowsTheAlgorithm() {
        TestCard sm4 = new TestCard(false, true);
        sm4.selectSsse();
        sm4.expect("9000", sm4.externalAuthenticate(1, TestCard.SSSE_PERSO, true));
        sm4.expect("6A80", "80DA00000120");
        sm4.expect("9000", "80DA00000130");
        TestCard tdes = new TestCard(false, false);
        tdes.selectSsse();
        tdes.expect("6700", "0084000010");
        tdes.expect("9000", tdes.externalAuthenticate(1, TestCard.SSSE_PERSO, true));
        tdes.expect("6A80", "80DA00000130");
        tdes.expect("9000", "80DA00000120");
    }

    /** SSC-PERSO-3: PUT KEY in the SM4 form (Lc 35) with the SM4 check value; the 3DES form answers 6700. */
    @Test
    public void putKeyInTheSm4Form() {
        TestCard card = new TestCard(false, true);
        card.selectSsse();
        card.expect("9000", card.externalAuthenticate(1, TestCard.SSSE_PERSO, true));
        byte[] tdesForm = TestCard.concat(TestCard.encipher(TestCard.SSSE_PERSO, MAINT), TestCard.kcv(MAINT));
        card.expect("6700", apdu("80D80104", tdesForm));
        byte[] sm4Form = TestCard.concat(card.encipherNow(TestCard.SSSE_PERSO, MAINT),
                Arrays.copyOf(TestCard.sm4Ecb(MAINT, new byte[16]), 3));
        assertEquals(35, sm4Form.length);
        byte[] badKcv = sm4Form.clone();
        badKcv[34] ^= 1;
        card.expect("6A80", apdu("80D80104", badKcv));
        card.expect("9000", apdu("80D80104", sm4Form));
        assertArrayEquals(TestCard.hex("764283"), Arrays.copyOfRange(sm4Form, 32, 35)); // KAT-SM4PUTKEY-2
    }
}
