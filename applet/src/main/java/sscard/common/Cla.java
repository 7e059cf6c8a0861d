package sscard.common;

import javacard.framework.ISO7816;
import javacard.framework.ISOException;

/**
 * Class byte rules both applications share.
 *
 * <p>sscard commands use the basic logical channel without command chaining, so a CLA is one of
 * {@code 00} (ISO), {@code 04} (ISO with secure messaging), {@code 80} (proprietary) and
 * {@code 84} (proprietary with secure messaging). Anything else answers {@code 6E00}.
 */
public final class Cla {

    /** Bits that must be zero: all but b8 (proprietary class) and b3 (secure messaging). */
    private static final byte MUST_BE_ZERO = (byte) 0x7B;

    /** CLA bit b3: the command is protected by secure messaging. */
    public static final byte SECURE_MESSAGING = (byte) 0x04;

    private Cla() {
    }

    /** @throws ISOException {@code 6E00} when {@code cla} is not one sscard accepts */
    public static void requireSupported(byte cla) {
        if ((byte) (cla & MUST_BE_ZERO) != 0) {
            ISOException.throwIt(ISO7816.SW_CLA_NOT_SUPPORTED);
        }
    }

    /** Whether {@code cla} announces secure messaging. */
    public static boolean isSecureMessaging(byte cla) {
        return (byte) (cla & SECURE_MESSAGING) != 0;
    }
}
