package sscard.common;

import javacard.framework.ISOException;
import javacard.framework.JCSystem;

/**
 * The application keys (KEYS table: id, usage, try limit, states; SSC-KEY-*, SSC-PERSO-3): one key
 * of the card's algorithm per row, held by {@link SecureMessaging} (allocated at installation) and
 * loaded by the install parameters or PUT KEY, with a persistent try counter for the keys that authenticate the terminal
 * (lifecycle.toml [retry_machines.key]). Which keys the terminal authenticated with in this session
 * is session state ({@link Transients}).
 */
public final class KeyStore implements CommonConstants {

    private final byte[] table;
    private final short rows;
    private final byte[] tries;
    private final byte[] versions;
    private final Transients transients;
    private final SecureMessaging sm;

    public KeyStore(byte[] table, Transients transients, SecureMessaging sm) {
        this.table = table;
        this.transients = transients;
        this.sm = sm;
        rows = rows(table);
        tries = new byte[rows];
        versions = new byte[rows];
    }

    private byte column(short row, byte column) {
        return table[(short) (row * KEYS_ENTRY_SIZE + column)];
    }

    /** The number of keys of a KEYS table. */
    public static short rows(byte[] table) {
        return (short) (table.length / KEYS_ENTRY_SIZE);
    }

    /** The row of key {@code id}, or -1. */
    public short rowById(byte id) {
        for (short row = 0; row < rows; row++) {
            if (column(row, KEYS_ID) == id) {
                return row;
            }
        }
        return -1;
    }

    /** The row of the key installation loads (KEYS_FLAG_INSTALL), or -1. */
    public short installRow() {
        for (short row = 0; row < rows; row++) {
            if ((column(row, KEYS_FLAGS) & KEYS_FLAG_INSTALL) != 0) {
                return row;
            }
        }
        return -1;
    }

    public boolean isLoaded(short row) {
        return sm.isLoaded(row);
    }

    /** Whether every key flagged required is loaded (END PERSONALISATION, SSC-LC-3). */
    public boolean requiredLoaded() {
        for (short row = 0; row < rows; row++) {
            if ((column(row, KEYS_FLAGS) & KEYS_FLAG_REQUIRED) != 0 && !sm.isLoaded(row)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The loaded key {@code id} with {@code usage} for a command in lifecycle state {@code state}.
     *
     * @throws ISOException 6A88 no such key, not for this use, or not loaded; 6985 the key is not
     *     usable in this state
     */
    public short rowFor(byte id, byte usage, byte state) {
        short row = rowById(id);
        if (row < 0 || (column(row, KEYS_USAGE) & usage) == 0 || !sm.isLoaded(row)) {
            ISOException.throwIt(SW_REF_DATA_NOT_FOUND);
        }
        if ((column(row, KEYS_STATES) & state) == 0) {
            ISOException.throwIt(SW_CONDITIONS_NOT_SATISFIED);
        }
        return row;
    }

    /**
     * Loads key {@code row} from {@code value[off..off+16)} (installation, PUT KEY): its try counter
     * starts at its limit and any authentication with it in this session ends (PERSONALISE event).
     */
    public void load(short row, byte[] value, short off, byte version) {
        boolean own = Atomic.begin();
        sm.setKey(row, value, off);
        versions[row] = version;
        tries[row] = column(row, KEYS_TRY_LIMIT);
        Atomic.commit(own);
        transients.setAuthenticated(row, false);
    }

    /**
     * RESET KEY COUNTER (SSC-KEY-6): key {@code row}'s try counter back to its limit; an
     * authentication with it in this session ends (RESET event of its retry machine).
     *
     * @throws ISOException 6A88 the key is not loaded
     */
    public void resetCounter(short row) {
        if (row < 0 || !sm.isLoaded(row)) {
            ISOException.throwIt(SW_REF_DATA_NOT_FOUND);
        }
        boolean own = Atomic.begin();
        tries[row] = column(row, KEYS_TRY_LIMIT);
        Atomic.commit(own);
        transients.setAuthenticated(row, false);
    }

    /**
     * The MAC of a MAC'd command under key {@code row} (SSC-SM-6): a blocked key computes no MAC;
     * otherwise a failure is counted (committed) BEFORE the MAC is computed, and a MAC that verifies
     * takes it back.
     *
     * @throws ISOException 6983 the key's MAC failure counter is at 0; 6988 wrong MAC
     */
    public void verifyMac(short row, byte[] buf, short length) {
        if (tries[row] == 0) {
            ISOException.throwIt(SW_AUTH_BLOCKED);
        }
        JCSystem.beginTransaction();
        tries[row]--;
        JCSystem.commitTransaction();
        if (!sm.verifyMac(row, buf, length)) {
            ISOException.throwIt(SW_SM_INCORRECT);
        }
        JCSystem.beginTransaction();
        tries[row] = column(row, KEYS_TRY_LIMIT);
        JCSystem.commitTransaction();
    }

    /**
     * EXTERNAL AUTHENTICATE with key {@code row}: the one-block cryptogram at {@code buf[off..]} must be
     * this command's challenge-IV block enciphered under the key (SSC-KEY-3). Spends a try before
     * comparing; a match puts the counter back to the limit and authenticates the key for the
     * session.
     *
     * @throws ISOException 6983 no tries left; 63CX wrong cryptogram, X tries left
     */
    public void authenticate(short row, byte[] buf, short off) {
        if (tries[row] == 0) {
            ISOException.throwIt(SW_AUTH_BLOCKED);
        }
        JCSystem.beginTransaction();
        tries[row]--;
        JCSystem.commitTransaction();
        if (!sm.checkCryptogram(row, buf, off)) {
            transients.setAuthenticated(row, false);
            ISOException.throwIt((short) (SW_VERIFY_FAILED | tries[row]));
        }
        JCSystem.beginTransaction();
        tries[row] = column(row, KEYS_TRY_LIMIT);
        JCSystem.commitTransaction();
        transients.setAuthenticated(row, true);
    }
}
