package sscard.common;

/**
 * A 16-byte block cipher with 16-byte keys held in numbered key slots, all allocated at
 * installation: the seam where a chip's own SM4 (a vendor API behind a {@code Key} object) can
 * replace {@link Sm4}, the portable one written in Java Card code.
 *
 * <p>Slots rather than key objects because Java Card 3.0.4/3.0.5 has no SM4 key type: an
 * implementation decides how it keeps a key (expanded round keys, a vendor key object).
 */
public interface BlockCipher16 {

    /** Block and key length in bytes. */
    short BLOCK = 16;

    /**
     * Loads the 16-byte key at {@code key[off..]} into {@code slot}. The caller opens a
     * transaction when the load must be all or nothing.
     */
    void setKey(short slot, byte[] key, short off);

    /** Forgets the key of {@code slot}. */
    void clearKey(short slot);

    /** Whether {@code slot} holds a key. */
    boolean isLoaded(short slot);

    /**
     * Enciphers one block {@code in[inOff..inOff+16)} into {@code out[outOff..]} under the key of
     * {@code slot}; {@code in} and {@code out} may be the same block.
     */
    void encrypt(short slot, byte[] in, short inOff, byte[] out, short outOff);

    /** Deciphers one block, as {@link #encrypt}. */
    void decrypt(short slot, byte[] in, short inOff, byte[] out, short outOff);
}
