package sscard.applet;

import static org.junit.Assert.assertEquals;

import com.licel.jcardsim.smartcardio.CardSimulator;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import javacard.framework.AID;
import javacard.framework.Applet;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import sscard.common.Cbc16;
import sscard.common.Sm4;
import sscard.pboc.FinanceApplet;
import sscard.ssse.SocialSecurityApplet;

/**
 * A jCardSim card (T=1) with both applets installed as a card vendor would (GlobalPlatform install
 * parameters with the applet data of protocol.toml [install]), the example profile's test keys, and
 * the host-side crypto (retail MAC, 3DES ECB, enciphered data, key check values) the tests need.
 * An SM4 card (install algorithm 01, SSC-KEY-5) has its SSSE's keys in SM4; its host side uses the
 * card's own {@link Sm4}, which {@code Sm4Test} pins to GB/T 32907 and the spec's vectors (the
 * Python suites check the card against an independent SM4).
 */
final class TestCard {

    static final HexFormat HEX = HexFormat.of().withUpperCase();

    static final byte[] SSSE_AID = hex("7378312E73682EC9E7BBE1B1A3D5CF");
    static final byte[] PBOC_AID = hex("A000000333010101");
    static final byte[] CARD_UNIQUE = hex("1122334455667788");

    // the example profile's TEST keys (apdu_spec.model.CardProfile.example)
    static final byte[] SSSE_PERSO = hex("505152535455565758595A5B5C5D5E5F");
    static final byte[] RK = hex("2122232425262728292A2B2C2D2E2F30");
    static final byte[] IK = hex("3132333435363738393A3B3C3D3E3F40");
    static final byte[] MAINT = hex("A1A2A3A4A5A6A7A8B1B2B3B4B5B6B7B8");
    static final byte[] UNBLOCK = hex("B1B2B3B4B5B6B7B8C1C2C3C4C5C6C7C8");
    static final byte[] RELOAD = hex("E1E2E3E4E5E6E7E8F1F2F3F4F5F6F7F8");
    static final byte[] PBOC_PERSO = hex("707172737475767778797A7B7C7D7E7F");
    static final byte[] BANK_MAC = hex("C1C2C3C4C5C6C7C8D1D2D3D4D5D6D7D8");
    static final byte[] BANK_ENC = hex("6162636465666768696A6B6C6D6E6F70");

    final CardSimulator sim;
    /** Whether the SSSE's algorithm is SM4 (else 3DES); the PBOC is always 3DES. */
    final boolean sm4;
    /** The application the last SELECT chose: its algorithm is the host side's. */
    private boolean ssseSelected = true;
    /** The last response. */
    byte[] response = new byte[0];

    TestCard() {
        this(true);
    }

    TestCard(boolean withPboc) {
        this(withPboc, false);
    }

    TestCard(boolean withPboc, boolean sm4) {
        this.sm4 = sm4;
        sim = new CardSimulator();
        sim.changeProtocol("T=1");
        install(SSSE_AID, SocialSecurityApplet.class,
                concat(hex(sm4 ? "0201" : "0200"), SSSE_PERSO, CARD_UNIQUE));
        if (withPboc) {
            install(PBOC_AID, FinanceApplet.class, concat(hex("01"), PBOC_PERSO));
        }
    }

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    static String hex(byte[] b) {
        return HEX.formatHex(b);
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int off = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, off, p.length);
            off += p.length;
        }
        return out;
    }

    /** GlobalPlatform install parameters: Li AID, Lc 00, La applet data. */
    static byte[] installParams(byte[] aid, byte[] data) {
        return concat(new byte[] {(byte) aid.length}, aid, new byte[] {0, (byte) data.length}, data);
    }

    void install(byte[] aid, Class<? extends Applet> cls, byte[] data) {
        byte[] params = installParams(aid, data);
        sim.installApplet(new AID(aid, (short) 0, (byte) aid.length), cls, params, (short) 0,
                (byte) params.length);
    }

    // ---------------------------------------------------------------- transport

    byte[] transmit(byte[] apdu) {
        response = sim.transmitCommand(apdu);
        return response;
    }

    /** Sends the APDU; returns the status word as 4 hex digits. */
    String sw(byte[] apdu) {
        byte[] r = transmit(apdu);
        return hex(Arrays.copyOfRange(r, r.length - 2, r.length));
    }

    String sw(String apdu) {
        return sw(hex(apdu));
    }

    /** The data of the last response. */
    byte[] data() {
        return Arrays.copyOf(response, response.length - 2);
    }

    void expect(String sw, String apdu) {
        assertEquals(apdu, sw, sw(apdu));
    }

    void expect(String sw, byte[] apdu) {
        assertEquals(hex(apdu), sw, sw(apdu));
    }

    /** Sends the APDU, expects 9000, returns the data. */
    byte[] ok(String apdu) {
        expect("9000", apdu);
        return data();
    }

    void reset() {
        sim.reset();
    }

    static byte[] apdu(String header, byte[] data) {
        return concat(hex(header), new byte[] {(byte) data.length}, data);
    }

    void selectSsse() {
        expect("9000", apdu("00A40400", SSSE_AID));
        ssseSelected = true;
    }

    void selectPboc() {
        expect("9000", apdu("00A40400", PBOC_AID));
        ssseSelected = false;
    }

    /** Whether the host side speaks SM4 now: an SM4 card's SSSE. */
    boolean sm4Now() {
        return sm4 && ssseSelected;
    }

    /** The block length of the application the host talks to. */
    int block() {
        return sm4Now() ? 16 : 8;
    }

    byte[] challenge(int n) {
        byte[] ch = ok("00840000" + String.format("%02X", n));
        assertEquals(n, ch.length);
        return ch;
    }

    // ---------------------------------------------------------------- crypto (host side)

    private static byte[] des(String mode, int op, byte[] key, byte[] data) {
        try {
            Cipher c = Cipher.getInstance(mode);
            c.init(op, new SecretKeySpec(key, mode.startsWith("DESede") ? "DESede" : "DES"));
            return c.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] tdesEcb(byte[] key16, byte[] data) {
        return des("DESede/ECB/NoPadding", Cipher.ENCRYPT_MODE, concat(key16, Arrays.copyOf(key16, 8)), data);
    }

    static byte[] iv(byte[] challenge) {
        return Arrays.copyOf(challenge, 8);
    }

    // SM4 on the host side: the card's code, one key slot
    private static final Sm4 SM4 = new Sm4((short) 1);

    static byte[] sm4Ecb(byte[] key16, byte[] data) {
        SM4.setKey((short) 0, key16, (short) 0);
        byte[] out = new byte[data.length];
        for (int i = 0; i < data.length; i += 16) {
            SM4.encrypt((short) 0, data, (short) i, out, (short) i);
        }
        return out;
    }

    /** SM4 CBC-MAC, padding method 2, IV the challenge padded with zeros to 16 bytes; all 16 bytes. */
    static byte[] sm4Mac(byte[] key16, byte[] data, byte[] challenge) {
        SM4.setKey((short) 0, key16, (short) 0);
        byte[] chain = Arrays.copyOf(challenge, 16);
        Cbc16.mac(SM4, (short) 0, data, (short) 0, (short) data.length, chain, (short) 0);
        return chain;
    }

    /** ECB of the application the host talks to. */
    byte[] ecb(byte[] key16, byte[] data) {
        return sm4Now() ? sm4Ecb(key16, data) : tdesEcb(key16, data);
    }

    /** ECB over LD || data || 80 00.., padded to the block of the application the host talks to. */
    byte[] encipherNow(byte[] key16, byte[] data) {
        if (!sm4Now()) {
            return encipher(key16, data);
        }
        byte[] plain = concat(new byte[] {(byte) data.length}, data);
        if (plain.length % 16 != 0) {
            byte[] padded = Arrays.copyOf(plain, (plain.length / 16 + 1) * 16);
            padded[plain.length] = (byte) 0x80;
            plain = padded;
        }
        return sm4Ecb(key16, plain);
    }

    /** ISO/IEC 9797-1 MAC algorithm 3, padding method 2, with an IV; all 8 bytes. */
    static byte[] retailMac(byte[] key16, byte[] data, byte[] iv) {
        byte[] k1 = Arrays.copyOf(key16, 8);
        byte[] k2 = Arrays.copyOfRange(key16, 8, 16);
        byte[] padded = Arrays.copyOf(data, (data.length / 8 + 1) * 8);
        padded[data.length] = (byte) 0x80;
        byte[] chain = iv.clone();
        for (int i = 0; i < padded.length; i += 8) {
            for (int j = 0; j < 8; j++) {
                chain[j] ^= padded[i + j];
            }
            chain = des("DES/ECB/NoPadding", Cipher.ENCRYPT_MODE, k1, chain);
        }
        chain = des("DES/ECB/NoPadding", Cipher.DECRYPT_MODE, k2, chain);
        return des("DES/ECB/NoPadding", Cipher.ENCRYPT_MODE, k1, chain);
    }

    /** ECB over LD || data || 80 00.. (padding only when not whole blocks). */
    static byte[] encipher(byte[] key16, byte[] data) {
        byte[] plain = concat(new byte[] {(byte) data.length}, data);
        if (plain.length % 8 != 0) {
            byte[] padded = Arrays.copyOf(plain, (plain.length / 8 + 1) * 8);
            padded[plain.length] = (byte) 0x80;
            plain = padded;
        }
        return tdesEcb(key16, plain);
    }

    static byte[] kcv(byte[] key16) {
        return Arrays.copyOf(tdesEcb(key16, new byte[8]), 3);
    }

    /** A MAC'd command under {@code key} with a fresh challenge of {@code n} bytes. */
    byte[] macCommand(String header4, byte[] data, byte[] key, int n) {
        byte[] ch = challenge(n);
        byte[] head = concat(hex(header4), new byte[] {(byte) (data.length + 4)});
        byte[] full = sm4Now() ? sm4Mac(key, concat(head, data), ch) : retailMac(key, concat(head, data), iv(ch));
        byte[] mac = Arrays.copyOf(full, 4);
        return concat(head, data, mac);
    }

    /** GET CHALLENGE (8 bytes, which every access profile takes), then the MAC'd command to send next. */
    byte[] mac(String header4, byte[] key) {
        return macCommand(header4, new byte[0], key, 8);
    }

    byte[] mac(String header4, byte[] data, byte[] key) {
        return macCommand(header4, data, key, 8);
    }

    /**
     * GET CHALLENGE, then the APDU of EXTERNAL AUTHENTICATE with key {@code id} (to send next);
     * {@code good} false makes the cryptogram wrong.
     */
    byte[] externalAuthenticate(int id, byte[] key, boolean good) {
        byte[] cryptogram = ecb(key, Arrays.copyOf(challenge(8), block()));
        if (!good) {
            cryptogram[0] ^= 1;
        }
        return apdu(String.format("008200%02X", id), cryptogram);
    }

    // ---------------------------------------------------------------- personalisation

    static byte[] bcdPin(String pin) {
        return hex(pin.length() % 2 == 0 ? pin : pin + "F");
    }

    static byte[] format2(String pin) {
        StringBuilder s = new StringBuilder("2" + Integer.toHexString(pin.length()).toUpperCase() + pin);
        while (s.length() < 16) {
            s.append('F');
        }
        return hex(s.toString());
    }

    void putKey(byte[] transport, int id, byte[] value) {
        byte[] kcv = Arrays.copyOf(ecb(value, new byte[block()]), 3);
        expect("9000", apdu(String.format("80D801%02X", id), concat(encipherNow(transport, value), kcv)));
    }

    void setPin(byte[] transport, int limit, String pin) {
        expect("9000", apdu("80D40000", concat(new byte[] {(byte) limit}, encipherNow(transport, bcdPin(pin)))));
    }

    /** Personalises the SSSE (profile 2.0 or 3.0) and ends personalisation: ISSUED. */
    void personaliseSsse(int profile) {
        selectSsse();
        expect("9000", externalAuthenticate(1, SSSE_PERSO, true));
        putKey(SSSE_PERSO, 2, RK);
        putKey(SSSE_PERSO, 3, IK);
        putKey(SSSE_PERSO, 4, MAINT);
        putKey(SSSE_PERSO, 5, UNBLOCK);
        putKey(SSSE_PERSO, 6, RELOAD);
        setPin(SSSE_PERSO, 6, "123456");
        expect("9000", String.format("80DA000001%02X", profile));
        expect("9000", "00DC0634" + "05" + "0C03440203");
        expect("9000", "00DC0734" + "06" + "0D0419900101");
        expect("9000", "00DC072C" + "0B" + "07094B3132333435363738");
        expect("9000", "80DE0000");
    }

    /** Personalises the PBOC and ends personalisation: ISSUED. */
    void personalisePboc() {
        selectPboc();
        expect("9000", externalAuthenticate(1, PBOC_PERSO, true));
        putKey(PBOC_PERSO, 2, BANK_MAC);
        putKey(PBOC_PERSO, 3, BANK_ENC);
        setPin(PBOC_PERSO, 3, "1234");
        expect("9000", "00DC010C1E" + "701C5A0A6217001234567890123F5F3401015F24033412315F2503240101");
        expect("9000", "80DE0000");
    }

    /** Both applications personalised and activated, then a power cycle. */
    static TestCard active() {
        TestCard card = new TestCard();
        card.personaliseSsse(0x20);
        card.expect("9000", card.mac("84440000", MAINT));
        card.personalisePboc();
        card.expect("9000", card.mac("84440000", BANK_MAC));
        card.reset();
        return card;
    }
}
