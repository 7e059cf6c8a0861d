package sscard.applet;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javacard.security.CryptoException;
import org.junit.Assume;
import org.junit.Test;
import sscard.common.Cbc16;
import sscard.common.Sm4;

/**
 * The card's SM4 ({@link Sm4}, {@link Cbc16}) against GB/T 32907 appendix A and the spec's MAC
 * vector (apdu_spec/crypto.toml), SSC-KEY-5 and SSC-SM-2. The 1,000,000-encryption example runs
 * in the thorough run only ({@code -Dsscard.thorough=true}, Maven profile {@code thorough}, part
 * of {@code make test-thorough}).
 */
public class Sm4Test {

    private static final byte[] GBT_KEY = TestCard.hex("0123456789ABCDEFFEDCBA9876543210");

    private final Sm4 sm4 = new Sm4((short) 2);

    /** The inputs and expected value of a vector of apdu_spec/crypto.toml, by id. */
    private static String[] vector(String id, String... inputs) throws IOException {
        String toml = Files.readString(Path.of(System.getProperty("sscard.repo.root", ".."),
                "apdu_spec/crypto.toml"));
        int start = toml.indexOf("id = \"" + id + "\"");
        assertTrue("no vector " + id + " in crypto.toml", start >= 0);
        int end = toml.indexOf("[[vectors]]", start);
        String block = toml.substring(start, end < 0 ? toml.length() : end);
        String[] values = new String[inputs.length + 1];
        for (int i = 0; i <= inputs.length; i++) {
            String name = i < inputs.length ? inputs[i] : "expected";
            Matcher m = Pattern.compile("\\b" + name + " = \"([0-9A-Fa-f]*)\"").matcher(block);
            assertTrue(id + " has no " + name, m.find());
            values[i] = m.group(1);
        }
        return values;
    }

    @Test
    public void appendixExample1EncryptsAndDecrypts() throws IOException {
        String[] v = vector("KAT-SM4-1", "key16", "data");
        byte[] key = TestCard.hex(v[0]);
        byte[] plain = TestCard.hex(v[1]);
        byte[] block = plain.clone();
        sm4.setKey((short) 1, key, (short) 0);
        sm4.encrypt((short) 1, block, (short) 0, block, (short) 0);
        assertEquals(v[2], TestCard.hex(block));
        sm4.decrypt((short) 1, block, (short) 0, block, (short) 0);
        assertArrayEquals(plain, block);
    }

    @Test
    public void slotsAreIndependentAndOffsetsHonoured() {
        byte[] other = TestCard.hex("00112233445566778899AABBCCDDEEFF");
        sm4.setKey((short) 0, GBT_KEY, (short) 0);
        byte[] keyAt3 = TestCard.concat(TestCard.hex("AAAAAA"), other);
        sm4.setKey((short) 1, keyAt3, (short) 3);
        byte[] in = TestCard.concat(TestCard.hex("FFFF"), GBT_KEY);
        byte[] out = new byte[21];
        sm4.encrypt((short) 0, in, (short) 2, out, (short) 5);
        assertEquals("681EDF34D206965E86B3E94F536E4246", TestCard.hex(Arrays.copyOfRange(out, 5, 21)));
        byte[] under1 = new byte[16];
        sm4.encrypt((short) 1, GBT_KEY, (short) 0, under1, (short) 0);
        assertFalse(Arrays.equals(under1, Arrays.copyOfRange(out, 5, 21)));
        sm4.decrypt((short) 1, under1, (short) 0, under1, (short) 0);
        assertArrayEquals(GBT_KEY, under1);
    }

    @Test
    public void randomBlocksRoundTrip() {
        java.util.Random random = new java.util.Random(32907);
        byte[] key = new byte[16];
        byte[] plain = new byte[16];
        for (int i = 0; i < 200; i++) {
            random.nextBytes(key);
            random.nextBytes(plain);
            sm4.setKey((short) 0, key, (short) 0);
            byte[] block = plain.clone();
            sm4.encrypt((short) 0, block, (short) 0, block, (short) 0);
            assertFalse(Arrays.equals(plain, block));
            sm4.decrypt((short) 0, block, (short) 0, block, (short) 0);
            assertArrayEquals(plain, block);
        }
    }

    @Test
    public void clearedSlotRefusesToEncrypt() {
        sm4.setKey((short) 0, GBT_KEY, (short) 0);
        assertTrue(sm4.isLoaded((short) 0));
        sm4.clearKey((short) 0);
        assertFalse(sm4.isLoaded((short) 0));
        try {
            sm4.encrypt((short) 0, GBT_KEY, (short) 0, new byte[16], (short) 0);
            fail("encrypted under a cleared key");
        } catch (CryptoException e) {
            assertEquals(CryptoException.UNINITIALIZED_KEY, e.getReason());
        }
    }

    /** SSC-SM-2: the 3.0-profile command MAC, CBC-MAC with padding method 2 and the challenge IV. */
    @Test
    public void macOfTheSpecVector() throws IOException {
        String[] v = vector("KAT-SM4MAC-1", "key16", "data", "iv");
        sm4.setKey((short) 0, TestCard.hex(v[0]), (short) 0);
        byte[] data = TestCard.hex(v[1]);
        byte[] chain = TestCard.hex(v[2]);
        Cbc16.mac(sm4, (short) 0, data, (short) 0, (short) data.length, chain, (short) 0);
        assertEquals(v[3], TestCard.hex(chain));
    }

    /** Whole blocks get a whole padding block; the chain is CBC over every block. */
    @Test
    public void macPadsAWholeBlockAfterWholeBlocks() {
        sm4.setKey((short) 0, GBT_KEY, (short) 0);
        byte[] data = new byte[32];
        for (int i = 0; i < 32; i++) {
            data[i] = (byte) i;
        }
        byte[] chain = new byte[16];
        Cbc16.mac(sm4, (short) 0, data, (short) 0, (short) 32, chain, (short) 0);
        byte[] expected = new byte[16];
        byte[] padded = TestCard.concat(data, TestCard.hex("80000000000000000000000000000000"));
        for (int b = 0; b < 3; b++) {
            for (int j = 0; j < 16; j++) {
                expected[j] ^= padded[16 * b + j];
            }
            sm4.encrypt((short) 0, expected, (short) 0, expected, (short) 0);
        }
        assertArrayEquals(expected, chain);
    }

    /** GB/T 32907 appendix A example 2: example 1's plaintext encrypted 1,000,000 times. */
    @Test
    public void appendixExample2MillionEncryptions() {
        Assume.assumeTrue("thorough run only (-Dsscard.thorough=true)", Boolean.getBoolean("sscard.thorough"));
        sm4.setKey((short) 0, GBT_KEY, (short) 0);
        byte[] block = GBT_KEY.clone();
        for (int i = 0; i < 1_000_000; i++) {
            sm4.encrypt((short) 0, block, (short) 0, block, (short) 0);
        }
        assertEquals("595298C7C6FD271F0402F804C33D3F66", TestCard.hex(block));
    }
}
