package sscard.common;

/** Byte-array helpers the Java Card API lacks. */
public final class Bytes {

    private Bytes() {
    }

    /**
     * Whether {@code a[aOff..aOff+len)} equals {@code b[bOff..bOff+len)}, in time that depends on
     * {@code len} only: every byte is compared, whatever the first difference (MACs, PINs,
     * cryptograms).
     */
    public static boolean equalsConstantTime(byte[] a, short aOff, byte[] b, short bOff, short len) {
        byte diff = 0;
        for (short i = 0; i < len; i++) {
            diff |= (byte) (a[(short) (aOff + i)] ^ b[(short) (bOff + i)]);
        }
        return diff == 0;
    }

    /** The index of the first {@code value} in {@code a[off..off+len)}, or -1. */
    public static short indexOf(byte[] a, short off, short len, byte value) {
        for (short i = 0; i < len; i++) {
            if (a[(short) (off + i)] == value) {
                return i;
            }
        }
        return -1;
    }

    /** Unsigned value of {@code a[off]}. */
    public static short u8(byte[] a, short off) {
        return (short) (a[off] & 0xFF);
    }
}
