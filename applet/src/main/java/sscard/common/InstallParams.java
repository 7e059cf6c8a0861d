package sscard.common;

import javacard.framework.SystemException;

/**
 * Reads the install parameters the Java Card RE passes to {@code Applet.install}.
 *
 * <p>A GlobalPlatform card's INSTALL [for install] hands the applet
 * {@code bArray[bOffset..] = Li, instance AID (Li bytes), Lc, control info, La, applet data}.
 * The simulator host ({@code sscard.sim.CardHost}) passes the same layout. jCardSim's own
 * {@code installApplet(aid, class)} passes no parameters at all ({@code bLength == 0}); then the
 * applet calls {@code register()} and the runtime assigns the AID it was installed with.
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
}
