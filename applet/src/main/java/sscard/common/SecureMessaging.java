package sscard.common;

import javacard.framework.ISOException;
import javacard.framework.Util;
import javacard.security.DESKey;
import javacard.security.KeyBuilder;
import javacard.security.RandomData;
import javacard.security.Signature;
import javacardx.crypto.Cipher;

/**
 * The cryptography of both applications (SSC-SM-*, SSC-KEY-3/4/5, SSC-PERSO-3) and the keys
 * themselves, one per KEYS row, in the card's algorithm fixed at installation: double-length 3DES
 * ({@link DESKey}s and the Java Card engines) or SM4 ({@link BlockCipher16} key slots). Everything
 * is allocated once, at installation, and only for the card's algorithm.
 *
 * <ul>
 *   <li>Command MAC, IV = the challenge followed by zeros up to the block (SSC-SM-2), leftmost 4
 *       bytes, compared in constant time. 3DES: ISO/IEC 9797-1 MAC algorithm 3, padding method 2,
 *       computed with {@code ALG_DES_MAC8_ISO9797_1_M2_ALG3} (jCardSim has no MAC4 variant, and its
 *       verify compares all 8 bytes). SM4: CBC-MAC with padding method 2 ({@link Cbc16}).</li>
 *   <li>Enciphered data: ECB over {@code LD || data || 80 00..} (padding only up to the block
 *       boundary, none when already whole blocks).</li>
 *   <li>External / internal authentication and key check values: ECB of one block.</li>
 * </ul>
 */
public final class SecureMessaging implements CommonConstants {

    private static final short DES_BLOCK = 8;

    /** The card's block length: 8 (3DES) or 16 (SM4). */
    private final short block;
    private final Transients transients;
    private final RandomData random;
    /** 3DES ECB: the 3DES card's keys and, on every card, the PIN store's own key ({@link PinGuard}). */
    private final Cipher ecb;
    // 3DES card: the keys, the MAC engine, a key under test (PUT KEY check value)
    private final DESKey[] desKeys;
    private final Signature mac;
    private final DESKey candidate;
    // SM4 card: one slot per key, and one more for a key under test
    private final BlockCipher16 sm4;
    private final short candidateSlot;

    /**
     * @param rows the number of keys (KEYS rows)
     * @param algorithm ALGORITHM_3DES_16 or ALGORITHM_SM4 (the caller has checked it)
     */
    public SecureMessaging(Transients transients, short rows, byte algorithm) {
        this.transients = transients;
        random = RandomData.getInstance(RandomData.ALG_SECURE_RANDOM);
        ecb = Cipher.getInstance(Cipher.ALG_DES_ECB_NOPAD, false);
        candidateSlot = rows;
        if (algorithm == ALGORITHM_SM4) {
            block = BlockCipher16.BLOCK;
            sm4 = new Sm4((short) (rows + 1));
            desKeys = null;
            mac = null;
            candidate = null;
        } else {
            block = DES_BLOCK;
            sm4 = null;
            desKeys = new DESKey[rows];
            for (short i = 0; i < rows; i++) {
                desKeys[i] = (DESKey) KeyBuilder.buildKey(KeyBuilder.TYPE_DES, KeyBuilder.LENGTH_DES3_2KEY, false);
            }
            mac = Signature.getInstance(Signature.ALG_DES_MAC8_ISO9797_1_M2_ALG3, false);
            candidate = (DESKey) KeyBuilder.buildKey(KeyBuilder.TYPE_DES_TRANSIENT_DESELECT,
                    KeyBuilder.LENGTH_DES3_2KEY, false);
        }
    }

    /** Whether the card's algorithm is SM4 (else 3DES). */
    public boolean isSm4() {
        return sm4 != null;
    }

    /** {@code length} random bytes. */
    @SuppressWarnings("deprecation")
    public void random(byte[] out, short off, short length) {
        random.generateData(out, off, length);
    }

    // ---------------------------------------------------------------- keys

    public boolean isLoaded(short row) {
        return sm4 != null ? sm4.isLoaded(row) : desKeys[row].isInitialized();
    }

    /** Key {@code row} from the 16 bytes at {@code value[off..]}; the caller holds the transaction. */
    public void setKey(short row, byte[] value, short off) {
        if (sm4 != null) {
            sm4.setKey(row, value, off);
        } else {
            desKeys[row].setKey(value, off);
        }
    }

    // ---------------------------------------------------------------- operations

    /**
     * The challenge-IV block in {@link Transients#SCRATCH_BLOCK_IN}: the command's challenge,
     * followed by zeros up to the block (SSC-SM-2).
     */
    private void challengeBlock() {
        byte[] ram = transients.ram;
        Util.arrayFillNonAtomic(ram, Transients.SCRATCH_BLOCK_IN, block, (byte) 0);
        Util.arrayCopyNonAtomic(ram, transients.challengeOffset(), ram, Transients.SCRATCH_BLOCK_IN,
                transients.commandChallengeLength());
    }

    /**
     * Whether the 4-byte MAC at {@code buf[length..]} is the MAC of {@code buf[0..length)} (the
     * header as sent and the data before the MAC) under key {@code row} with this command's
     * challenge.
     */
    public boolean verifyMac(short row, byte[] buf, short length) {
        byte[] ram = transients.ram;
        challengeBlock();
        if (sm4 != null) {
            Cbc16.mac(sm4, row, buf, (short) 0, length, ram, Transients.SCRATCH_BLOCK_IN);
            return Bytes.equalsConstantTime(ram, Transients.SCRATCH_BLOCK_IN, buf, length, MAC_LENGTH);
        }
        mac.init(desKeys[row], Signature.MODE_SIGN, ram, Transients.SCRATCH_BLOCK_IN, DES_BLOCK);
        mac.sign(buf, (short) 0, length, ram, Transients.SCRATCH_BLOCK_OUT);
        return Bytes.equalsConstantTime(ram, Transients.SCRATCH_BLOCK_OUT, buf, length, MAC_LENGTH);
    }

    /**
     * Whether the one-block cryptogram at {@code buf[off..]} is this command's challenge-IV block
     * enciphered under key {@code row} (EXTERNAL AUTHENTICATE, SSC-KEY-3).
     */
    public boolean checkCryptogram(short row, byte[] buf, short off) {
        challengeBlock();
        byte[] ram = transients.ram;
        encipherBlock(row, ram, Transients.SCRATCH_BLOCK_IN, ram, Transients.SCRATCH_BLOCK_OUT);
        return Bytes.equalsConstantTime(ram, Transients.SCRATCH_BLOCK_OUT, buf, off, block);
    }

    /**
     * One block enciphered in ECB under key {@code row}; {@code in} and {@code out} may not overlap.
     *
     * @return the block length
     */
    public short encipherBlock(short row, byte[] in, short inOff, byte[] out, short outOff) {
        if (sm4 != null) {
            sm4.encrypt(row, in, inOff, out, outOff);
        } else {
            encipherDes(desKeys[row], in, inOff, out, outOff);
        }
        return block;
    }

    /** One 8-byte block enciphered in 3DES ECB under {@code key} (the PIN store's own key). */
    public void encipherDes(DESKey key, byte[] in, short inOff, byte[] out, short outOff) {
        ecb.init(key, Cipher.MODE_ENCRYPT);
        ecb.doFinal(in, inOff, DES_BLOCK, out, outOff);
    }

    /**
     * Deciphers {@code LD || data || 80 00..} (SSC-SM-4) under key {@code row} into
     * {@link Transients#SCRATCH_PLAIN}.
     *
     * @return LD: the data is at {@code SCRATCH_PLAIN + 1}
     * @throws ISOException 6A80 when the cryptogram is not whole blocks (or longer than the scratch
     *     area), LD runs past it, or the padding is not {@code 80 00..} exactly up to the last block
     */
    public short decipher(short row, byte[] buf, short off, short length) {
        if (length == 0 || (short) (length % block) != 0 || length > Transients.SCRATCH_PLAIN_LENGTH) {
            ISOException.throwIt(SW_WRONG_DATA);
        }
        byte[] ram = transients.ram;
        if (sm4 != null) {
            for (short p = 0; p < length; p = (short) (p + block)) {
                sm4.decrypt(row, buf, (short) (off + p), ram, (short) (Transients.SCRATCH_PLAIN + p));
            }
        } else {
            ecb.init(desKeys[row], Cipher.MODE_DECRYPT);
            ecb.doFinal(buf, off, length, ram, Transients.SCRATCH_PLAIN);
        }
        short ld = Bytes.u8(ram, Transients.SCRATCH_PLAIN);
        short end = (short) (1 + ld);
        if (end > length) {
            ISOException.throwIt(SW_WRONG_DATA);
        }
        short rest = (short) (end % block);
        // whole blocks: nothing may follow; else 80 00.. up to the block boundary, and nothing more
        short padded = rest == 0 ? end : (short) (end + block - rest);
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
        Util.arrayFillNonAtomic(ram, Transients.SCRATCH_BLOCK_IN, block, (byte) 0);
        if (sm4 != null) {
            sm4.setKey(candidateSlot, value, valueOff);
            sm4.encrypt(candidateSlot, ram, Transients.SCRATCH_BLOCK_IN, ram, Transients.SCRATCH_BLOCK_OUT);
            sm4.clearKey(candidateSlot);
        } else {
            candidate.setKey(value, valueOff);
            encipherDes(candidate, ram, Transients.SCRATCH_BLOCK_IN, ram, Transients.SCRATCH_BLOCK_OUT);
            candidate.clearKey();
        }
        return Bytes.equalsConstantTime(ram, Transients.SCRATCH_BLOCK_OUT, kcv, off, (short) 3);
    }
}
