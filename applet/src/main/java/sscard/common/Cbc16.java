package sscard.common;

/**
 * CBC-MAC over a {@link BlockCipher16} (ISO/IEC 9797-1 MAC algorithm 1, padding method 2: the
 * 3.0-profile command MAC, SSC-SM-2).
 */
public final class Cbc16 {

    private Cbc16() {
    }

    /**
     * The 16-byte CBC-MAC of {@code data[off..off+len)}, padded with {@code 80 00..} (always, to
     * the next whole block), under the key of {@code slot} with the IV at {@code chain[chainOff..]}:
     * the chaining block is computed in place there and is the MAC at the end.
     */
    public static void mac(BlockCipher16 cipher, short slot, byte[] data, short off, short len,
            byte[] chain, short chainOff) {
        short block = BlockCipher16.BLOCK;
        short i = 0;
        // every whole block of the data; the last, partial or empty, block is the padded one
        for (; (short) (len - i) >= block; i = (short) (i + block)) {
            for (short j = 0; j < block; j++) {
                chain[(short) (chainOff + j)] ^= data[(short) (off + i + j)];
            }
            cipher.encrypt(slot, chain, chainOff, chain, chainOff);
        }
        short rest = (short) (len - i);
        for (short j = 0; j < rest; j++) {
            chain[(short) (chainOff + j)] ^= data[(short) (off + i + j)];
        }
        chain[(short) (chainOff + rest)] ^= (byte) 0x80;
        cipher.encrypt(slot, chain, chainOff, chain, chainOff);
    }
}
