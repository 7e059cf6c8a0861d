package sscard.common;

import javacard.framework.ISOException;
import javacard.framework.Util;

/**
 * PIN encodings (SSC-PIN-10, SSC-PIN-11) and the normalised 8-byte block both are turned into:
 * {@code n || digits packed BCD, F-padded to 6 bytes || FF}, so that a PIN set in one format
 * compares equal to the same PIN presented in the other.
 */
public final class PinFormat implements CommonConstants {

    private static final short MIN_DIGITS = 4;
    private static final short MAX_DIGITS = 12;
    private static final short BLOCK = 8;

    private PinFormat() {
    }

    /** Parses a PIN in {@code format} (PIN_FORMAT_*) into the normalised block at {@code out[outOff..]}. */
    public static void parse(byte format, byte[] buf, short off, short length, byte[] out, short outOff) {
        if (format == PIN_FORMAT_ISO9564_2) {
            parseFormat2(buf, off, length, out, outOff);
        } else {
            parseBcd(buf, off, length, out, outOff);
        }
    }

    private static short nibble(byte[] buf, short off, short index) {
        byte b = buf[(short) (off + (short) (index >> 1))];
        return (short) ((index & 1) == 0 ? (b >> 4) & 0x0F : b & 0x0F);
    }

    /**
     * Packed BCD, 2-6 bytes, 4-12 digits, an odd count closed by an F nibble (the social PIN as
     * VERIFY carries it; SET PIN of both applications).
     *
     * @throws ISOException 6A80 otherwise
     */
    public static void parseBcd(byte[] buf, short off, short length, byte[] out, short outOff) {
        if (length < 2 || length > 6) {
            ISOException.throwIt(SW_WRONG_DATA);
        }
        short count = (short) (length * 2);
        if (nibble(buf, off, (short) (count - 1)) == 0x0F) {
            count--;
        }
        for (short i = 0; i < count; i++) {
            if (nibble(buf, off, i) > 9) {
                ISOException.throwIt(SW_WRONG_DATA);
            }
        }
        if (count < MIN_DIGITS) {
            ISOException.throwIt(SW_WRONG_DATA);
        }
        Util.arrayFillNonAtomic(out, outOff, BLOCK, (byte) 0xFF);
        out[outOff] = (byte) count;
        Util.arrayCopyNonAtomic(buf, off, out, (short) (outOff + 1), length);
    }

    /**
     * ISO 9564-1 format-2 PIN block: {@code 2N || N digits || F..F}, 8 bytes, N 4-12 (the
     * financial offline PIN).
     *
     * @throws ISOException 6A80 otherwise
     */
    public static void parseFormat2(byte[] buf, short off, short length, byte[] out, short outOff) {
        if (length != BLOCK || nibble(buf, off, (short) 0) != 2) {
            ISOException.throwIt(SW_WRONG_DATA);
        }
        short count = nibble(buf, off, (short) 1);
        if (count < MIN_DIGITS || count > MAX_DIGITS) {
            ISOException.throwIt(SW_WRONG_DATA);
        }
        for (short i = 2; i < (short) (2 * BLOCK); i++) {
            short n = nibble(buf, off, i);
            if (i < (short) (2 + count) ? n > 9 : n != 0x0F) {
                ISOException.throwIt(SW_WRONG_DATA);
            }
        }
        out[outOff] = (byte) count;
        Util.arrayCopyNonAtomic(buf, (short) (off + 1), out, (short) (outOff + 1), (short) (BLOCK - 1));
    }
}
