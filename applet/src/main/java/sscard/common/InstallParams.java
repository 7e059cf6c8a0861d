package sscard.common;

import javacard.framework.SystemException;

/**
 * Reads the install parameters the Java Card RE passes to {@code Applet.install}.
 *
 * <p>A GlobalPlatform card's INSTALL [for install] hands the applet
 * {@code bArray[bOffset..] = Li, instance AID (Li bytes), Lc, control info (Lc bytes), La, applet
 * data (La bytes)}. The simulator host ({@code sscard.sim.CardHost}) passes the same layout.
 * jCardSim's own {@code installApplet(aid, class)} passes no parameters at all
 * ({@code bLength == 0}); then the applet calls {@code register()} and the runtime assigns the AID
 * it was installed with, and there is no applet data.
 */
public final class InstallParams {

    /** Shortest and longest AID (ISO/IEC 7816-5). */
    public static final byte AID_MIN_LENGTH = (byte) 5;
    public static final byte AID_MAX_LENGTH = (byte) 16;

    private InstallParams() {
    }

    /**
     * Length of the instance AID at {@code bArray[bOffset + 1]}.
     *
     * @return the AID length (5..16), or 0 when the parameters carry no AID (none at all, or
     *     {@code Li = 0}): the applet then registers with {@code register()}
     * @throws SystemException ILLEGAL_VALUE when {@code Li} is not a valid AID length or runs past
     *     the parameters: better to fail the install than to register under another AID
     */
    public static byte instanceAidLength(byte[] bArray, short bOffset, byte bLength) {
        short available = (short) (bLength & 0xFF);
        if (available == 0) {
            return 0;
        }
        byte aidLength = bArray[bOffset];
        if (aidLength == 0) {
            return 0;
        }
        if (aidLength < AID_MIN_LENGTH || aidLength > AID_MAX_LENGTH
                || (short) (aidLength + 1) > available) {
            SystemException.throwIt(SystemException.ILLEGAL_VALUE);
        }
        return aidLength;
    }

    /**
     * Offset of the applet data (the {@code La} part) in {@code bArray}.
     *
     * @return the offset of the first applet data byte, or -1 when the parameters carry none (no
     *     parameters, or {@code La = 0})
     * @throws SystemException ILLEGAL_VALUE when the length bytes run past the parameters
     */
    public static short appletDataOffset(byte[] bArray, short bOffset, byte bLength) {
        short end = (short) (bOffset + (short) (bLength & 0xFF));
        if (bLength == 0) {
            return -1;
        }
        short off = (short) (bOffset + 1 + (short) (bArray[bOffset] & 0xFF)); // Lc
        if (off >= end) {
            SystemException.throwIt(SystemException.ILLEGAL_VALUE);
        }
        off = (short) (off + 1 + (short) (bArray[off] & 0xFF)); // La
        if (off >= end) {
            SystemException.throwIt(SystemException.ILLEGAL_VALUE);
        }
        short la = (short) (bArray[off] & 0xFF);
        off++;
        if ((short) (off + la) > end) {
            SystemException.throwIt(SystemException.ILLEGAL_VALUE);
        }
        return la == 0 ? (short) -1 : off;
    }

    /** Length of the applet data, for an offset {@link #appletDataOffset} found (not -1). */
    public static short appletDataLength(byte[] bArray, short dataOffset) {
        return (short) (bArray[(short) (dataOffset - 1)] & 0xFF);
    }
}
