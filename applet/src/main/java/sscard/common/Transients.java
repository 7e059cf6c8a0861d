package sscard.common;

import javacard.framework.JCSystem;
import javacard.framework.Util;

/**
 * Session state in RAM: one CLEAR_ON_RESET allocation with named slots. A power cycle clears it;
 * {@link #endSession} clears the session slots on SELECT of the application and on deselection
 * (SSC-APP-3, SSC-PIN-6, SSC-SM-1, SSC-LC-8).
 */
public final class Transients {

    private static final short PIN_VERIFIED = 0;
    private static final short AUTHENTICATED = 1;        // bit per KEYS row
    private static final short CURRENT_DF = 2;           // 0: application root, 1..: DFS index
    private static final short CURRENT_EF = 3;           // 0: none, else FILES row + 1
    private static final short CHALLENGE_LENGTH = 4;     // 0: no challenge
    private static final short COMMAND_CHALLENGE = 5;    // length of the challenge this command took
    private static final short NE_KNOWN = 6;
    private static final short NE = 7;                   // 2 bytes
    private static final short CHALLENGE = 9;            // 16 bytes

    /** Scratch area for the crypto and PIN code; its sub-slots are named below. */
    public static final short SCRATCH = 25;
    public static final short SCRATCH_LENGTH = 88;
    /** IV / input block and MAC / output block, 16 bytes each (one SM4 block; 3DES uses 8). */
    public static final short SCRATCH_BLOCK_IN = SCRATCH;
    public static final short SCRATCH_BLOCK_OUT = (short) (SCRATCH + 16);
    /** Deciphered data: LD || data || padding (up to 32 bytes: an SM4 PUT KEY). */
    public static final short SCRATCH_PLAIN = (short) (SCRATCH + 32);
    public static final short SCRATCH_PLAIN_LENGTH = 32;
    /** Normalised PIN blocks: the one presented, a new one, and an enciphered one. */
    public static final short SCRATCH_PIN = (short) (SCRATCH + 64);
    public static final short SCRATCH_NEW_PIN = (short) (SCRATCH + 72);
    public static final short SCRATCH_PIN_CHECK = (short) (SCRATCH + 80);

    private static final short SIZE = (short) (SCRATCH + SCRATCH_LENGTH);

    /** The RAM itself; the crypto helpers work in its scratch slots. */
    public final byte[] ram;

    public Transients() {
        ram = JCSystem.makeTransientByteArray(SIZE, JCSystem.CLEAR_ON_RESET);
    }

    /** SELECT of the application, deselection: PIN, authentications, files, challenge. */
    public void endSession() {
        Util.arrayFillNonAtomic(ram, (short) 0, SIZE, (byte) 0);
    }

    /** Wipes the scratch area (after every command: no secret outlives it). */
    public void clearScratch() {
        Util.arrayFillNonAtomic(ram, SCRATCH, SCRATCH_LENGTH, (byte) 0);
    }

    // ---------------------------------------------------------------- PIN and keys

    public boolean pinVerified() {
        return ram[PIN_VERIFIED] != 0;
    }

    public void setPinVerified(boolean verified) {
        ram[PIN_VERIFIED] = verified ? (byte) 1 : (byte) 0;
    }

    public boolean authenticated(short keyRow) {
        return (ram[AUTHENTICATED] & (short) (1 << keyRow)) != 0;
    }

    public void setAuthenticated(short keyRow, boolean authenticated) {
        byte bit = (byte) (1 << keyRow);
        ram[AUTHENTICATED] = authenticated ? (byte) (ram[AUTHENTICATED] | bit) : (byte) (ram[AUTHENTICATED] & ~bit);
    }

    // ---------------------------------------------------------------- files

    public byte currentDf() {
        return ram[CURRENT_DF];
    }

    /** Selects a DF (0: the application root); there is then no current EF. */
    public void selectDf(byte df) {
        ram[CURRENT_DF] = df;
        ram[CURRENT_EF] = 0;
    }

    /** The current EF's FILES row, or -1. */
    public short currentEf() {
        return (short) (ram[CURRENT_EF] - 1);
    }

    public void selectEf(short fileRow) {
        ram[CURRENT_EF] = (byte) (fileRow + 1);
    }

    // ---------------------------------------------------------------- challenge

    /**
     * Step 0 of the check order: the stored challenge becomes this command's, and no later command
     * can use it (SSC-SM-1).
     */
    public void takeChallenge() {
        ram[COMMAND_CHALLENGE] = ram[CHALLENGE_LENGTH];
        ram[CHALLENGE_LENGTH] = 0;
        ram[NE_KNOWN] = 0;
    }

    /** Length of the challenge this command took (0: none). */
    public byte commandChallengeLength() {
        return ram[COMMAND_CHALLENGE];
    }

    /** Offset of the challenge bytes in {@link #ram}. */
    public short challengeOffset() {
        return CHALLENGE;
    }

    /** Stores a new challenge of {@code length} bytes, already written at {@link #challengeOffset}. */
    public void setChallengeLength(byte length) {
        ram[CHALLENGE_LENGTH] = length;
    }

    // ---------------------------------------------------------------- Ne

    /** Ne of this command once known (0: no Le; 256: Le 00). */
    public boolean neKnown() {
        return ram[NE_KNOWN] != 0;
    }

    public short ne() {
        return Util.getShort(ram, NE);
    }

    public void setNe(short ne) {
        Util.setShort(ram, NE, ne);
        ram[NE_KNOWN] = 1;
    }
}
