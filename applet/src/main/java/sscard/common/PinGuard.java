package sscard.common;

import javacard.framework.ISOException;
import javacard.framework.JCSystem;
import javacard.framework.Util;
import javacard.security.DESKey;
import javacard.security.KeyBuilder;

/**
 * The application PIN and its retry machine (lifecycle.toml [retry_machines.pin]; SSC-PIN-*).
 *
 * <p>Persistent: the PIN check value, the try limit (personalised, 1-15) and the tries left. The
 * PIN itself is never stored: the card keeps {@code E_K(block)}, the normalised PIN block (see
 * {@link PinFormat}) enciphered under a random key made at installation, and compares check
 * values in constant time. The "verified" flag is session state ({@link Transients}).
 *
 * <p>A comparing event spends a try first, in its own transaction, and only then compares; a match
 * puts the counter back to the limit (SSC-PIN-2): tearing the power during the comparison cannot
 * save a try.
 */
public final class PinGuard implements CommonConstants {

    private static final short BLOCK = 8;

    private final byte[] check;
    private final DESKey pinKey;
    private byte tries;
    private byte limit;
    private boolean set;

    private final Transients transients;
    private final SecureMessaging sm;

    public PinGuard(Transients transients, SecureMessaging sm) {
        this.transients = transients;
        this.sm = sm;
        check = new byte[BLOCK];
        pinKey = (DESKey) KeyBuilder.buildKey(KeyBuilder.TYPE_DES, KeyBuilder.LENGTH_DES3_2KEY, false);
        byte[] ram = transients.ram;
        sm.random(ram, Transients.SCRATCH, (short) 16);
        pinKey.setKey(ram, Transients.SCRATCH);
        transients.clearScratch();
    }

    /** Whether SET PIN has run (END PERSONALISATION needs it). */
    public boolean isSet() {
        return set;
    }

    public byte triesLeft() {
        return tries;
    }

    /** VERIFY without data (SSC-PIN-5): spends nothing. */
    public void verifyEmpty() {
        if (tries == 0) {
            ISOException.throwIt(SW_AUTH_BLOCKED);
        }
        if (!transients.pinVerified()) {
            ISOException.throwIt((short) (SW_VERIFY_FAILED | tries));
        }
    }

    /**
     * VERIFY (SSC-PIN-2/3/4) or, with a new PIN block, CHANGE PIN (SSC-PIN-7) of the normalised
     * block at {@code ram[pinOff..]}.
     *
     * @param newPinOff the new normalised block in {@link Transients#ram}, or -1 for VERIFY
     */
    public void check(short pinOff, short newPinOff) {
        if (tries == 0) {
            ISOException.throwIt(SW_AUTH_BLOCKED);
        }
        JCSystem.beginTransaction();
        tries--;
        JCSystem.commitTransaction();

        byte[] ram = transients.ram;
        sm.encipherDes(pinKey, ram, pinOff, ram, Transients.SCRATCH_PIN_CHECK);
        if (!Bytes.equalsConstantTime(ram, Transients.SCRATCH_PIN_CHECK, check, (short) 0, BLOCK)) {
            transients.setPinVerified(false);
            ISOException.throwIt((short) (SW_VERIFY_FAILED | tries));
        }
        if (newPinOff >= 0) {
            sm.encipherDes(pinKey, ram, newPinOff, ram, Transients.SCRATCH_PIN_CHECK);
        }
        JCSystem.beginTransaction();
        if (newPinOff >= 0) {
            Util.arrayCopy(ram, Transients.SCRATCH_PIN_CHECK, check, (short) 0, BLOCK);
        }
        tries = limit;
        JCSystem.commitTransaction();
        transients.setPinVerified(true);
    }

    /** PIN UNBLOCK (SSC-PIN-8): counter back to the limit, PIN kept. */
    public void unblock() {
        boolean own = Atomic.begin();
        tries = limit;
        Atomic.commit(own);
        transients.setPinVerified(false);
    }

    /**
     * RELOAD PIN (SSC-PIN-9) and SET PIN (SSC-PERSO-4): a new PIN from the normalised block at
     * {@code ram[pinOff..]}, the counter at the limit ({@code newLimit}, or the current one when 0).
     */
    public void replace(short pinOff, byte newLimit) {
        byte[] ram = transients.ram;
        sm.encipherDes(pinKey, ram, pinOff, ram, Transients.SCRATCH_PIN_CHECK);
        boolean own = Atomic.begin();
        Util.arrayCopy(ram, Transients.SCRATCH_PIN_CHECK, check, (short) 0, BLOCK);
        if (newLimit != 0) {
            limit = newLimit;
        }
        tries = limit;
        set = true;
        Atomic.commit(own);
        transients.setPinVerified(false);
    }
}
