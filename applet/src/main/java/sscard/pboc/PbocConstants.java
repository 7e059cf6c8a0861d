// generated from apdu_spec/*.toml by `python -m apdu_spec.generate`; do not edit
package sscard.pboc;

/**
 * Constants of the Financial application (PBOC debit, 金融应用).
 */
@SuppressWarnings("unused")
public interface PbocConstants {
    byte[] AID = {(byte) 0xA0, (byte) 0x00, (byte) 0x00, (byte) 0x03, (byte) 0x33, (byte) 0x01, (byte) 0x01, (byte) 0x01};
    byte[] PACKAGE_AID = {(byte) 0xA0, (byte) 0x00, (byte) 0x00, (byte) 0x03, (byte) 0x33, (byte) 0xFF, (byte) 0x01};
    byte DEFAULT_PIN_TRY_LIMIT = (byte) 0x03;
    byte[] FCI_PROPRIETARY = {(byte) 0xA5, (byte) 0x0C, (byte) 0x50, (byte) 0x0A, (byte) 0x50, (byte) 0x42, (byte) 0x4F, (byte) 0x43, (byte) 0x20, (byte) 0x44, (byte) 0x45, (byte) 0x42, (byte) 0x49, (byte) 0x54};

    // ---- install parameters (protocol.toml [install])
    short INSTALL_OFF_VERSION = 0;
    byte INSTALL_VERSION = (byte) 0x01;
    short INSTALL_OFF_PERSO_KEY = 1;
    short INSTALL_LENGTH = 17;

    // ---- instructions of this application
    byte INS_RELOAD_PIN = (byte) 0x24;

    // ---- commands: CLA, INS, allowed lifecycle states (bit i = i-th LC_ state), flags, MAC key id,
    //      encipherment key id (00 = none); one row of CMD_ENTRY_SIZE bytes per command
    byte[] COMMANDS = {
        (byte) 0x00, (byte) 0xA4, (byte) 0x0F, (byte) 0x00, (byte) 0x00, (byte) 0x00, // SELECT
        (byte) 0x00, (byte) 0xB2, (byte) 0x0F, (byte) 0x04, (byte) 0x00, (byte) 0x00, // READ_RECORD
        (byte) 0x00, (byte) 0xDC, (byte) 0x01, (byte) 0x00, (byte) 0x00, (byte) 0x00, // UPDATE_RECORD
        (byte) 0x80, (byte) 0xCA, (byte) 0x0E, (byte) 0x00, (byte) 0x00, (byte) 0x00, // GET_DATA
        (byte) 0x00, (byte) 0x20, (byte) 0x04, (byte) 0x00, (byte) 0x00, (byte) 0x00, // VERIFY
        (byte) 0x00, (byte) 0x84, (byte) 0x0F, (byte) 0x00, (byte) 0x00, (byte) 0x00, // GET_CHALLENGE
        (byte) 0x00, (byte) 0x82, (byte) 0x0F, (byte) 0x02, (byte) 0x00, (byte) 0x00, // EXTERNAL_AUTHENTICATE
        (byte) 0x84, (byte) 0x1E, (byte) 0x0C, (byte) 0x01, (byte) 0x02, (byte) 0x00, // APPLICATION_BLOCK
        (byte) 0x84, (byte) 0x18, (byte) 0x08, (byte) 0x01, (byte) 0x02, (byte) 0x00, // APPLICATION_UNBLOCK
        (byte) 0x84, (byte) 0x16, (byte) 0x0E, (byte) 0x01, (byte) 0x02, (byte) 0x00, // CARD_BLOCK
        (byte) 0x84, (byte) 0x44, (byte) 0x02, (byte) 0x01, (byte) 0x02, (byte) 0x00, // ACTIVATE
        (byte) 0x84, (byte) 0x24, (byte) 0x04, (byte) 0x01, (byte) 0x02, (byte) 0x00, // PIN_UNBLOCK
        (byte) 0x84, (byte) 0x24, (byte) 0x04, (byte) 0x01, (byte) 0x02, (byte) 0x03, // RELOAD_PIN
        (byte) 0x80, (byte) 0xD8, (byte) 0x01, (byte) 0x00, (byte) 0x00, (byte) 0x01, // PUT_KEY
        (byte) 0x80, (byte) 0xD4, (byte) 0x01, (byte) 0x00, (byte) 0x00, (byte) 0x01, // SET_PIN
        (byte) 0x80, (byte) 0xDE, (byte) 0x01, (byte) 0x00, (byte) 0x00, (byte) 0x00, // END_PERSONALISATION
    };

    // ---- keys (id, try limit of external authentication keys)
    byte KEY_PERSO = (byte) 0x01; // KPERSO_FIN: personalisation (transport) key of the bank's card vendor
    byte KEY_PERSO_TRY_LIMIT = (byte) 0x0A;
    byte KEY_MAINT = (byte) 0x02; // MAC_UDK: issuer script MAC key (ACTIVATE, BLOCK, UNBLOCK, CARD BLOCK, PIN CHANGE/UNBLOCK)
    byte KEY_ENC = (byte) 0x03; // ENC_UDK: issuer script encipherment key (new PIN of PIN CHANGE/UNBLOCK P2 02)

    // ---- files and record layouts; <FILE>_R<n> is the record as created at installation
    //      (tags, lengths, padding), to compare and to fill
    // FIN_SFI1: Application elementary file 1 (cardholder and account data)
    byte FIN_SFI1_SFI = (byte) 0x01;
    byte FIN_SFI1_RECORDS = (byte) 0x02;
    byte[] FIN_SFI1_R1 = {(byte) 0x70, (byte) 0x1C, (byte) 0x5A, (byte) 0x0A, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0x5F, (byte) 0x34, (byte) 0x01, (byte) 0xFF, (byte) 0x5F, (byte) 0x24, (byte) 0x03, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0x5F, (byte) 0x25, (byte) 0x03, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
    byte[] FIN_SFI1_R2 = {(byte) 0x70, (byte) 0x1D, (byte) 0x5F, (byte) 0x20, (byte) 0x1A, (byte) 0x20, (byte) 0x20, (byte) 0x20, (byte) 0x20, (byte) 0x20, (byte) 0x20, (byte) 0x20, (byte) 0x20, (byte) 0x20, (byte) 0x20, (byte) 0x20, (byte) 0x20, (byte) 0x20, (byte) 0x20, (byte) 0x20, (byte) 0x20, (byte) 0x20, (byte) 0x20, (byte) 0x20, (byte) 0x20, (byte) 0x20, (byte) 0x20, (byte) 0x20, (byte) 0x20, (byte) 0x20, (byte) 0x20};

    // ---- data objects (GET DATA)
    short TAG_PIN_TRY_COUNTER = (short) 0x9F17;
    short TAG_ATC = (short) 0x9F36;

    // ---- access rules (access.toml): OR of COND_ bits per file, operation and profile
    byte ACC_FIN_SFI1_READ = (byte) 0x00;
    byte ACC_FIN_SFI1_UPDATE = (byte) 0x80;
}
