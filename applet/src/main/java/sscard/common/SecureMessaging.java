package sscard.common;

import javacard.framework.ISOException;
import javacard.framework.Util;
import javacard.security.DESKey;
import javacard.security.KeyBuilder;
import javacard.security.RandomData;
import javacard.security.Signature;
import javacardx.crypto.Cipher;

/**
 * The cryptography of both applications (SSC-SM-*, SSC-KEY-3/4, SSC-PERSO-3), with every engine
 * allocated once, at installation.
 *
 * <ul>
 *   <li>Command MAC: ISO/IEC 9797-1 MAC algorithm 3, padding method 2, IV = the challenge (a 4-byte
 *       one followed by 00000000), leftmost 4 bytes. Computed with
 *       {@code ALG_DES_MAC8_ISO9797_1_M2_ALG3} and compared in constant time (jCardSim has no MAC4
 *       variant, and its verify compares all 8 bytes).</li>
 *   <li>Enciphered data: 3DES ECB over {@code LD || data || 80 00..} (padding only up to the block
 *       boundary, none when already whole blocks).</li>
 *   <li>External / internal authentication and key check values: 3DES ECB of one block.</li>
 * </ul>
 */
public final class SecureMessaging implements CommonConstants {

    private static final short BLOCK = 8;

    private final Signature mac;
    private final Cipher ecb;
    private final RandomData random;
    /** Holds a key under test (PUT KEY check value) before it is stored. */
    private final DESKey candidate;
    private final Transients transients;

    public SecureMessaging(Transients transients) {
        this.transients = transients;
        mac = Signature.getInstance(Signature.ALG_DES_MAC8_ISO9797_1_M2_ALG3, false);
        ecb = Cipher.getInstance(Cipher.ALG_DES_ECB_NOPAD, false);
        random = RandomData.getInstance(RandomData.ALG_SECURE_RANDOM);
        candidate = (DESKey) KeyBuilder.buildKey(KeyBuilder.TYPE_DES_TRANSIENT_DESELECT,
                KeyBuilder.LENGTH_DES3_2KEY, false);
    }

    /** {@code length} random bytes. */
    @SuppressWarnings("deprecation")
    public void random(byte[] out, short off, short length) {
        random.generateData(out, off, length);
    }

    /**
     * The challenge-IV block in {@link Transients#SCRATCH_BLOCK_IN}: the command's challenge,
     * followed by 00000000 when it has 4 bytes (SSC-SM-2).
     */
    private void challengeBlock() {
        byte[] ram = transients.ram;
        Util.arrayFillNonAtomic(ram, Transients.SCRATCH_BLOCK_IN, BLOCK, (byte) 0);
        Util.arrayCopyNonAtomic(ram, transients.challengeOffset(), ram, Transients.SCRATCH_BLOCK_IN,
                transients.commandChallengeLength());
    }

    /**
     * Whether the 4-byte MAC at {@code buf[length..]} is the MAC of {@code buf[0..length)} (the
     * header as sent and the data before the MAC) under {@code key} with this command's challenge.
     */
    public boolean verifyMac(DESKey key, byte[] buf, short length) {
        byte[] ram = transients.ram;
        challengeBlock();
        mac.init(key, Signature.MODE_SIGN, ram, Transients.SCRATCH_BLOCK_IN, BLOCK);
        mac.sign(buf, (short) 0, length, ram, Transients.SCRATCH_BLOCK_OUT);
        return Bytes.equalsConstantTime(ram, Transients.SCRATCH_BLOCK_OUT, buf, length, MAC_LENGTH);
    }

    /**
     * Whether the 8-byte cryptogram at {@code buf[off..]} is this command's challenge-IV block
     * enciphered under {@code key} (EXTERNAL AUTHENTICATE, SSC-KEY-3).
     */
    public boolean checkCryptogram(DESKey key, byte[] buf, short off) {
        challengeBlock();
        byte[] ram = transients.ram;
        encipherBlock(key, ram, Transients.SCRATCH_BLOCK_IN, ram, Transients.SCRATCH_BLOCK_OUT);
        return Bytes.equalsConstantTime(ram, Transients.SCRATCH_BLOCK_OUT, buf, off, BLOCK);
    }

    /** One 8-byte block enciphered in ECB under {@code key}; {@code in} and {@code out} may not overlap. */
    public void encipherBlock(DESKey key, byte[] in, short inOff, byte[] out, short outOff) {
        ecb.init(key, Cipher.MODE_ENCRYPT);
        ecb.doFinal(in, inOff, BLOCK, out, outOff);
    }

    /**
     * Deciphers {@code LD || data || 80 00..} (SSC-SM-4) into {@link Transients#SCRATCH_PLAIN}.
     *
     * @return LD: the data is at {@code SCRATCH_PLAIN + 1}
     * @throws ISOException 6A80 when the cryptogram is not whole blocks (or longer than the scratch
     *     area), LD runs past it, or the padding is not {@code 80 00..} exactly up to the last block
     */
    public short decipher(DESKey key, byte[] buf, short off, short length) {
        if (length == 0 || (short) (length % BLOCK) != 0 || length > Transients.SCRATCH_PLAIN_LENGTH) {
            ISOException.throwIt(SW_WRONG_DATA);
        }
        byte[] ram = transients.ram;
        ecb.init(key, Cipher.MODE_DECRYPT);
        ecb.doFinal(buf, off, length, ram, Transients.SCRATCH_PLAIN);
        short ld = Bytes.u8(ram, Transients.SCRATCH_PLAIN);
        short end = (short) (1 + ld);
        if (end > length) {
            ISOException.throwIt(SW_WRONG_DATA);
        }
        short rest = (short) (end % BLOCK);
        // whole blocks: nothing may follow; else 80 00.. up to the block boundary, and nothing more
        short padded = rest == 0 ? end : (short) (end + BLOCK - rest);
        if (padded != length) {
            ISOException.throwIt(SW_WRONG_DATA);
        }
        if (rest != 0) {
            short p = (short) (Transients.SCRATCH_PLAIN + end);
            if (ram[p] != (byte) 0x80) {
                ISOException.throwIt(SW_WRONG_DATA);
            }
            for (p++; p < (short) (Transients.SCRATCH_PLAIN + length); p++) {
                if (ram[p] != 0) {
                    ISOException.throwIt(SW_WRONG_DATA);
                }
            }
        }
        return ld;
    }

    /**
     * Whether the 3-byte key check value at {@code kcv[off..]} is the leftmost 3 bytes of a zero
     * block enciphered under the 16-byte key at {@code value[valueOff..]} (PUT KEY, SSC-PERSO-3).
     */
    public boolean checkValueMatches(byte[] value, short valueOff, byte[] kcv, short off) {
        byte[] ram = transients.ram;
        candidate.setKey(value, valueOff);
        Util.arrayFillNonAtomic(ram, Transients.SCRATCH_BLOCK_IN, BLOCK, (byte) 0);
        encipherBlock(candidate, ram, Transients.SCRATCH_BLOCK_IN, ram, Transients.SCRATCH_BLOCK_OUT);
        candidate.clearKey();
        return Bytes.equalsConstantTime(ram, Transients.SCRATCH_BLOCK_OUT, kcv, off, (short) 3);
    }
}
