package sscard.common;

import javacard.framework.JCSystem;
import javacard.framework.Util;
import javacard.security.CryptoException;

/**
 * SM4 (GB/T 32907-2016) in Java Card code, {@code byte} and {@code short} arithmetic only: the
 * 3.0-profile cipher where the chip offers none through the Java Card API (3.0.4/3.0.5 has no SM4).
 *
 * <p>32-bit words are 4 bytes, big-endian, in byte arrays; a rotation of a word by 8k + r bits is
 * a byte rotation by k and a shift pair by r within neighbouring bytes. Each slot's 32 round keys
 * (128 bytes) are computed once, when its key is loaded, into a persistent array allocated at
 * installation; encryption and decryption use them in opposite orders.
 *
 * <p>The S-box is not stored as a table literal (a library package may not initialise static
 * arrays): the constructor computes it once from its algebraic form, S(x) = A(I(A(x) + C)) + C
 * over GF(2^8) modulo x^8+x^7+x^6+x^5+x^4+x^2+1, I the multiplicative inverse (0 to 0), A the
 * circulant matrix of {@link #affine}, C = D3. The known-answer tests check the result. CK and FK
 * are computed or set in code for the same reason.
 *
 * <p>Timing: no branch, loop bound or array index depends on a key or data byte except the S-box
 * look-ups themselves (the algorithm's own), so the instruction sequence is the same for every key
 * and block. On a smart card chip without a data cache a look-up costs the same time whatever the
 * index, so there is no cache-timing channel as on a PC; what stays is power and electromagnetic
 * leakage of the look-ups and XORs (SPA/DPA), against which this code has no masking. A chip's own
 * SM4 engine with vendor countermeasures belongs behind {@link BlockCipher16} on a card issued to
 * holders; this implementation is the portable reference (and what the simulator runs). The round
 * keys sit in an ordinary persistent array, not in a key object the chip protects.
 */
public final class Sm4 implements BlockCipher16 {

    private static final short ROUNDS = 32;
    private static final short ROUND_KEYS = 128;
    private static final byte C = (byte) 0xD3;

    // work: the four state words X(i)..X(i+3) as a ring, T's S-box output, CK(i)
    private static final short T = 16;
    private static final short CK = 20;
    private static final short WORK = 24;

    private final byte[] sbox;
    private final byte[] fk;
    private final byte[] roundKeys;
    private final byte[] loaded;
    private final byte[] work;

    /** Allocates {@code slots} key slots (persistent) and the RAM work area; computes the S-box. */
    public Sm4(short slots) {
        sbox = new byte[256];
        fk = new byte[BLOCK];
        roundKeys = new byte[(short) (slots * ROUND_KEYS)];
        loaded = new byte[slots];
        work = JCSystem.makeTransientByteArray(WORK, JCSystem.CLEAR_ON_RESET);
        Util.setShort(fk, (short) 0, (short) 0xA3B1);
        Util.setShort(fk, (short) 2, (short) 0xBAC6);
        Util.setShort(fk, (short) 4, (short) 0x56AA);
        Util.setShort(fk, (short) 6, (short) 0x3350);
        Util.setShort(fk, (short) 8, (short) 0x677D);
        Util.setShort(fk, (short) 10, (short) 0x9197);
        Util.setShort(fk, (short) 12, (short) 0xB270);
        Util.setShort(fk, (short) 14, (short) 0x22DC);
        // Walk the multiplicative group with the generator 2: x = 2^k, y = 2^-k = I(x). The entry
        // with A(i) + C = x is A(y) + C; the one with A(i) + C = 0 is C.
        short x = 1;
        short y = 1;
        for (short k = 0; k < 255; k++) {
            sbox[(short) (affineInverse((byte) (x ^ C)) & 0xFF)] = (byte) (affine((byte) y) ^ C);
            x = (short) (x << 1);
            if ((x & 0x100) != 0) {
                x ^= 0x1F5;
            }
            y = (y & 1) == 0 ? (short) (y >> 1) : (short) ((short) (y ^ 0x1F5) >> 1);
        }
        sbox[(short) (affineInverse(C) & 0xFF)] = C;
    }

    /** {@code (hi << left | lo >>> right)} in 8 bits: one byte of a rotated word. */
    private static byte rl(byte hi, byte lo, short left, short right) {
        return (byte) ((byte) (hi << left) | (short) ((lo & 0xFF) >> right));
    }

    /** A: b + (b >>> 1) + (b >>> 2) + (b >>> 5) + (b >>> 7), rotations of the byte. */
    private static byte affine(byte b) {
        return (byte) (b ^ rl(b, b, (short) 7, (short) 1) ^ rl(b, b, (short) 6, (short) 2)
                ^ rl(b, b, (short) 3, (short) 5) ^ rl(b, b, (short) 1, (short) 7));
    }

    /** The inverse of A: b + (b >>> 1) + (b >>> 6). */
    private static byte affineInverse(byte b) {
        return (byte) (b ^ rl(b, b, (short) 7, (short) 1) ^ rl(b, b, (short) 2, (short) 6));
    }

    /**
     * One round on the ring: {@code work[p0..p0+4) ^= T(X1 + X2 + X3 + k)}, X1..X3 the three words
     * after p0 and k the word at {@code k[kOff..]}; T's linear part is L (cipher) or L' (key
     * schedule).
     */
    private void round(short p0, byte[] k, short kOff, boolean cipher) {
        byte[] w = work;
        short p1 = (short) ((short) (p0 + 4) & 15);
        short p2 = (short) ((short) (p0 + 8) & 15);
        short p3 = (short) ((short) (p0 + 12) & 15);
        for (short j = 0; j < 4; j++) {
            byte b = (byte) (w[(short) (p1 + j)] ^ w[(short) (p2 + j)] ^ w[(short) (p3 + j)]
                    ^ k[(short) (kOff + j)]);
            w[(short) (T + j)] = sbox[(short) (b & 0xFF)];
        }
        byte a0 = w[T];
        byte a1 = w[(short) (T + 1)];
        byte a2 = w[(short) (T + 2)];
        byte a3 = w[(short) (T + 3)];
        if (cipher) {
            // L(B) = B + (B <<< 2) + (B <<< 10) + (B <<< 18) + (B <<< 24); r_j = byte j of B <<< 2
            byte r0 = rl(a0, a1, (short) 2, (short) 6);
            byte r1 = rl(a1, a2, (short) 2, (short) 6);
            byte r2 = rl(a2, a3, (short) 2, (short) 6);
            byte r3 = rl(a3, a0, (short) 2, (short) 6);
            w[p0] ^= (byte) (a0 ^ r0 ^ r1 ^ r2 ^ a3);
            w[(short) (p0 + 1)] ^= (byte) (a1 ^ r1 ^ r2 ^ r3 ^ a0);
            w[(short) (p0 + 2)] ^= (byte) (a2 ^ r2 ^ r3 ^ r0 ^ a1);
            w[(short) (p0 + 3)] ^= (byte) (a3 ^ r3 ^ r0 ^ r1 ^ a2);
        } else {
            // L'(B) = B + (B <<< 13) + (B <<< 23): byte j of them is s_(j+1), t_(j+2) below
            byte s0 = rl(a0, a1, (short) 5, (short) 3);
            byte s1 = rl(a1, a2, (short) 5, (short) 3);
            byte s2 = rl(a2, a3, (short) 5, (short) 3);
            byte s3 = rl(a3, a0, (short) 5, (short) 3);
            byte t0 = rl(a0, a1, (short) 7, (short) 1);
            byte t1 = rl(a1, a2, (short) 7, (short) 1);
            byte t2 = rl(a2, a3, (short) 7, (short) 1);
            byte t3 = rl(a3, a0, (short) 7, (short) 1);
            w[p0] ^= (byte) (a0 ^ s1 ^ t2);
            w[(short) (p0 + 1)] ^= (byte) (a1 ^ s2 ^ t3);
            w[(short) (p0 + 2)] ^= (byte) (a2 ^ s3 ^ t0);
            w[(short) (p0 + 3)] ^= (byte) (a3 ^ s0 ^ t1);
        }
    }

    @Override
    public void setKey(short slot, byte[] key, short off) {
        byte[] w = work;
        for (short j = 0; j < BLOCK; j++) {
            w[j] = (byte) (key[(short) (off + j)] ^ fk[j]);
        }
        short base = (short) (slot * ROUND_KEYS);
        for (short i = 0; i < ROUNDS; i++) {
            for (short j = 0; j < 4; j++) {
                w[(short) (CK + j)] = (byte) ((short) ((short) (i << 2) + j) * 7); // ck_(i,j) = (4i + j) * 7 mod 256
            }
            short p0 = (short) ((short) (i & 3) << 2);
            round(p0, w, CK, false);
            short rk = (short) (base + (short) (i << 2));
            // plain stores: journaled when the caller has a transaction open
            for (short j = 0; j < 4; j++) {
                roundKeys[(short) (rk + j)] = w[(short) (p0 + j)];
            }
        }
        loaded[slot] = 1;
        Util.arrayFillNonAtomic(w, (short) 0, WORK, (byte) 0);
    }

    @Override
    public void clearKey(short slot) {
        loaded[slot] = 0;
        Util.arrayFillNonAtomic(roundKeys, (short) (slot * ROUND_KEYS), ROUND_KEYS, (byte) 0);
    }

    @Override
    public boolean isLoaded(short slot) {
        return loaded[slot] != 0;
    }

    @Override
    public void encrypt(short slot, byte[] in, short inOff, byte[] out, short outOff) {
        crypt(slot, in, inOff, out, outOff, false);
    }

    @Override
    public void decrypt(short slot, byte[] in, short inOff, byte[] out, short outOff) {
        crypt(slot, in, inOff, out, outOff, true);
    }

    /** @throws CryptoException UNINITIALIZED_KEY when the slot holds no key */
    private void crypt(short slot, byte[] in, short inOff, byte[] out, short outOff, boolean decrypt) {
        if (loaded[slot] == 0) {
            CryptoException.throwIt(CryptoException.UNINITIALIZED_KEY);
        }
        byte[] w = work;
        Util.arrayCopyNonAtomic(in, inOff, w, (short) 0, BLOCK);
        short base = (short) (slot * ROUND_KEYS);
        for (short i = 0; i < ROUNDS; i++) {
            short k = decrypt ? (short) (ROUNDS - 1 - i) : i;
            round((short) ((short) (i & 3) << 2), roundKeys, (short) (base + (short) (k << 2)), true);
        }
        // X32..X35 are at 0, 4, 8, 12; the block is X35 X34 X33 X32
        for (short j = 0; j < BLOCK; j++) {
            out[(short) (outOff + j)] = w[(short) ((short) (12 - (short) (j & 12)) + (short) (j & 3))];
        }
        Util.arrayFillNonAtomic(w, (short) 0, WORK, (byte) 0);
    }
}
