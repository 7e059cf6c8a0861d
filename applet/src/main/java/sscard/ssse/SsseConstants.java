// generated from apdu_spec/*.toml by `python -m apdu_spec.generate`; do not edit
package sscard.ssse;

/**
 * Constants of the Social security application (社会保障应用).
 */
@SuppressWarnings("unused")
public interface SsseConstants {
    byte[] AID = {(byte) 0x73, (byte) 0x78, (byte) 0x31, (byte) 0x2E, (byte) 0x73, (byte) 0x68, (byte) 0x2E, (byte) 0xC9, (byte) 0xE7, (byte) 0xBB, (byte) 0xE1, (byte) 0xB1, (byte) 0xA3, (byte) 0xD5, (byte) 0xCF};
    byte[] PACKAGE_AID = {(byte) 0x73, (byte) 0x78, (byte) 0x31, (byte) 0x2E, (byte) 0x73, (byte) 0x00, (byte) 0x01};
    byte DEFAULT_PIN_TRY_LIMIT = (byte) 0x06;
    byte[] FCI_PROPRIETARY = {};

    // ---- install parameters (protocol.toml [install])
    short INSTALL_OFF_VERSION = 0;
    byte INSTALL_VERSION = (byte) 0x01;
    short INSTALL_OFF_PERSO_KEY = 1;
    short INSTALL_OFF_CARD_UNIQUE = 17;
    short INSTALL_LENGTH = 25;

    // ---- instructions of this application
    byte INS_RELOAD_PIN = (byte) 0x5E;

    // ---- commands: CLA, INS, allowed lifecycle states (bit i = i-th LC_ state), flags, MAC key id,
    //      encipherment key id (00 = none); one row of CMD_ENTRY_SIZE bytes per command
    byte[] COMMANDS = {
        (byte) 0x00, (byte) 0xA4, (byte) 0x0F, (byte) 0x00, (byte) 0x00, (byte) 0x00, // SELECT
        (byte) 0x00, (byte) 0xB2, (byte) 0x0F, (byte) 0x04, (byte) 0x00, (byte) 0x00, // READ_RECORD
        (byte) 0x00, (byte) 0xDC, (byte) 0x01, (byte) 0x00, (byte) 0x00, (byte) 0x00, // UPDATE_RECORD
        (byte) 0x04, (byte) 0xDC, (byte) 0x04, (byte) 0x09, (byte) 0x04, (byte) 0x00, // UPDATE_RECORD_SM
        (byte) 0x00, (byte) 0x20, (byte) 0x04, (byte) 0x00, (byte) 0x00, (byte) 0x00, // VERIFY
        (byte) 0x80, (byte) 0x5E, (byte) 0x04, (byte) 0x00, (byte) 0x00, (byte) 0x00, // CHANGE_PIN
        (byte) 0x84, (byte) 0x5E, (byte) 0x04, (byte) 0x01, (byte) 0x06, (byte) 0x06, // RELOAD_PIN
        (byte) 0x84, (byte) 0x24, (byte) 0x04, (byte) 0x01, (byte) 0x05, (byte) 0x00, // PIN_UNBLOCK
        (byte) 0x00, (byte) 0x84, (byte) 0x0F, (byte) 0x00, (byte) 0x00, (byte) 0x00, // GET_CHALLENGE
        (byte) 0x00, (byte) 0x82, (byte) 0x0F, (byte) 0x02, (byte) 0x00, (byte) 0x00, // EXTERNAL_AUTHENTICATE
        (byte) 0x00, (byte) 0x88, (byte) 0x0E, (byte) 0x00, (byte) 0x00, (byte) 0x00, // INTERNAL_AUTHENTICATE
        (byte) 0x84, (byte) 0x1E, (byte) 0x0C, (byte) 0x01, (byte) 0x04, (byte) 0x00, // APPLICATION_BLOCK
        (byte) 0x84, (byte) 0x18, (byte) 0x08, (byte) 0x01, (byte) 0x04, (byte) 0x00, // APPLICATION_UNBLOCK
        (byte) 0x84, (byte) 0x16, (byte) 0x0E, (byte) 0x01, (byte) 0x04, (byte) 0x00, // CARD_BLOCK
        (byte) 0x84, (byte) 0x44, (byte) 0x02, (byte) 0x01, (byte) 0x04, (byte) 0x00, // ACTIVATE
        (byte) 0x80, (byte) 0xD8, (byte) 0x01, (byte) 0x00, (byte) 0x00, (byte) 0x01, // PUT_KEY
        (byte) 0x80, (byte) 0xD4, (byte) 0x01, (byte) 0x00, (byte) 0x00, (byte) 0x01, // SET_PIN
        (byte) 0x80, (byte) 0xDA, (byte) 0x01, (byte) 0x00, (byte) 0x00, (byte) 0x00, // SET_ACCESS_PROFILE
        (byte) 0x80, (byte) 0xDE, (byte) 0x01, (byte) 0x00, (byte) 0x00, (byte) 0x00, // END_PERSONALISATION
    };

    // ---- keys (id, try limit of external authentication keys)
    byte KEY_PERSO = (byte) 0x01; // KPERSO: personalisation (transport) key
    byte KEY_PERSO_TRY_LIMIT = (byte) 0x0A;
    byte KEY_RK = (byte) 0x02; // RKSSSE: terminal read key (external authentication)
    byte KEY_RK_TRY_LIMIT = (byte) 0x0A;
    byte KEY_IK = (byte) 0x03; // IKSSSE: internal authentication key (card authenticity)
    byte KEY_MAINT = (byte) 0x04; // DAMK_SSSE: application maintenance key (ACTIVATE, BLOCK, UNBLOCK, CARD BLOCK, UPDATE RECORD with MAC)
    byte KEY_UNBLOCK = (byte) 0x05; // DPUK_SSSE: PIN unblock key
    byte KEY_RELOAD = (byte) 0x06; // DRPK_SSSE: PIN reload key

    // ---- sub-applications (DFs)
    byte[] DF01_AID = {(byte) 0xD1, (byte) 0x56, (byte) 0x00, (byte) 0x00, (byte) 0x05, (byte) 0x00};
    short DF01_FID = (short) 0xDF01;
    byte[] DF02_AID = {(byte) 0xD1, (byte) 0x56, (byte) 0x00, (byte) 0x00, (byte) 0x05, (byte) 0x01};
    short DF02_FID = (short) 0xDF02;
    byte[] DF03_AID = {(byte) 0xD1, (byte) 0x56, (byte) 0x00, (byte) 0x00, (byte) 0x05, (byte) 0x02};
    short DF03_FID = (short) 0xDF03;
    byte[] DF04_AID = {(byte) 0xD1, (byte) 0x56, (byte) 0x00, (byte) 0x00, (byte) 0x05, (byte) 0x03};
    short DF04_FID = (short) 0xDF04;

    // ---- files and record layouts; <FILE>_R<n> is the record as created at installation
    //      (tags, lengths, padding), to compare and to fill
    // EF05: Issuer data (发卡机构数据)
    short EF05_FID = (short) 0xEF05;
    byte EF05_SFI = (byte) 0x05;
    byte EF05_RECORDS = (byte) 0x07;
    byte[] EF05_TAGS = {(byte) 0x01, (byte) 0x02, (byte) 0x03, (byte) 0x04, (byte) 0x05, (byte) 0x06, (byte) 0x07};
    byte[] EF05_LENGTHS = {(byte) 0x10, (byte) 0x01, (byte) 0x04, (byte) 0x0C, (byte) 0x04, (byte) 0x04, (byte) 0x09};
    byte[] EF05_FORMATS = {(byte) 0x03, (byte) 0x02, (byte) 0x02, (byte) 0x01, (byte) 0x01, (byte) 0x01, (byte) 0x02};
    byte[] EF05_R1 = {(byte) 0x01, (byte) 0x10, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00};
    byte[] EF05_R2 = {(byte) 0x02, (byte) 0x01, (byte) 0x00};
    byte[] EF05_R3 = {(byte) 0x03, (byte) 0x04, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00};
    byte[] EF05_R4 = {(byte) 0x04, (byte) 0x0C, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
    byte[] EF05_R5 = {(byte) 0x05, (byte) 0x04, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
    byte[] EF05_R6 = {(byte) 0x06, (byte) 0x04, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
    byte[] EF05_R7 = {(byte) 0x07, (byte) 0x09, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00};
    // EF06: Holder data (持卡人基本信息)
    short EF06_FID = (short) 0xEF06;
    byte EF06_SFI = (byte) 0x06;
    byte EF06_RECORDS = (byte) 0x07;
    byte[] EF06_TAGS = {(byte) 0x08, (byte) 0x09, (byte) 0x4E, (byte) 0x0A, (byte) 0x0B, (byte) 0x0C, (byte) 0x0D};
    byte[] EF06_LENGTHS = {(byte) 0x12, (byte) 0x1E, (byte) 0x14, (byte) 0x01, (byte) 0x01, (byte) 0x03, (byte) 0x04};
    byte[] EF06_FORMATS = {(byte) 0x02, (byte) 0x02, (byte) 0x02, (byte) 0x02, (byte) 0x01, (byte) 0x01, (byte) 0x01};
    byte[] EF06_R1 = {(byte) 0x08, (byte) 0x12, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00};
    byte[] EF06_R2 = {(byte) 0x09, (byte) 0x1E, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00};
    byte[] EF06_R3 = {(byte) 0x4E, (byte) 0x14, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00};
    byte[] EF06_R4 = {(byte) 0x0A, (byte) 0x01, (byte) 0x00};
    byte[] EF06_R5 = {(byte) 0x0B, (byte) 0x01, (byte) 0xFF};
    byte[] EF06_R6 = {(byte) 0x0C, (byte) 0x03, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
    byte[] EF06_R7 = {(byte) 0x0D, (byte) 0x04, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
    // DF01_EF05: Public information: contact
    short DF01_EF05_FID = (short) 0xEF05;
    byte DF01_EF05_SFI = (byte) 0x05;
    byte DF01_EF05_RECORDS = (byte) 0x02;
    byte[] DF01_EF05_TAGS = {(byte) 0xA0, (byte) 0xA1};
    byte[] DF01_EF05_LENGTHS = {(byte) 0x28, (byte) 0x10};
    byte[] DF01_EF05_FORMATS = {(byte) 0x02, (byte) 0x02};
    byte[] DF01_EF05_R1 = {(byte) 0xA0, (byte) 0x28, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00};
    byte[] DF01_EF05_R2 = {(byte) 0xA1, (byte) 0x10, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00};
    // DF02_EF05: Employment: status
    short DF02_EF05_FID = (short) 0xEF05;
    byte DF02_EF05_SFI = (byte) 0x05;
    byte DF02_EF05_RECORDS = (byte) 0x02;
    byte[] DF02_EF05_TAGS = {(byte) 0xB0, (byte) 0xB1};
    byte[] DF02_EF05_LENGTHS = {(byte) 0x01, (byte) 0x12};
    byte[] DF02_EF05_FORMATS = {(byte) 0x02, (byte) 0x02};
    byte[] DF02_EF05_R1 = {(byte) 0xB0, (byte) 0x01, (byte) 0x00};
    byte[] DF02_EF05_R2 = {(byte) 0xB1, (byte) 0x12, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00, (byte) 0x00};
    // DF03_EF05: Social insurance: pension
    short DF03_EF05_FID = (short) 0xEF05;
    byte DF03_EF05_SFI = (byte) 0x05;
    byte DF03_EF05_RECORDS = (byte) 0x02;
    byte[] DF03_EF05_TAGS = {(byte) 0xC0, (byte) 0xC1};
    byte[] DF03_EF05_LENGTHS = {(byte) 0x01, (byte) 0x04};
    byte[] DF03_EF05_FORMATS = {(byte) 0x02, (byte) 0x01};
    byte[] DF03_EF05_R1 = {(byte) 0xC0, (byte) 0x01, (byte) 0x00};
    byte[] DF03_EF05_R2 = {(byte) 0xC1, (byte) 0x04, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
    // DF04_EF05: Medical insurance: basic
    short DF04_EF05_FID = (short) 0xEF05;
    byte DF04_EF05_SFI = (byte) 0x05;
    byte DF04_EF05_RECORDS = (byte) 0x02;
    byte[] DF04_EF05_TAGS = {(byte) 0xD0, (byte) 0xD1};
    byte[] DF04_EF05_LENGTHS = {(byte) 0x01, (byte) 0x03};
    byte[] DF04_EF05_FORMATS = {(byte) 0x02, (byte) 0x01};
    byte[] DF04_EF05_R1 = {(byte) 0xD0, (byte) 0x01, (byte) 0x00};
    byte[] DF04_EF05_R2 = {(byte) 0xD1, (byte) 0x03, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};

    // ---- access rules (access.toml): OR of COND_ bits per file, operation and profile
    byte ACC_EF05_READ_2_0 = (byte) 0x00;
    byte ACC_EF05_UPDATE_2_0 = (byte) 0x80;
    byte ACC_EF05_READ_3_0 = (byte) 0x00;
    byte ACC_EF05_UPDATE_3_0 = (byte) 0x80;
    byte ACC_EF05_R7_READ_3_0 = (byte) 0x04;
    byte ACC_EF06_READ_2_0 = (byte) 0x00;
    byte ACC_EF06_UPDATE_2_0 = (byte) 0x00;
    byte ACC_EF06_READ_3_0 = (byte) 0x04;
    byte ACC_EF06_UPDATE_3_0 = (byte) 0x00;
    byte ACC_DF01_EF05_READ_2_0 = (byte) 0x01;
    byte ACC_DF01_EF05_UPDATE_2_0 = (byte) 0x00;
    byte ACC_DF01_EF05_READ_3_0 = (byte) 0x05;
    byte ACC_DF01_EF05_UPDATE_3_0 = (byte) 0x00;
    byte ACC_DF02_EF05_READ_2_0 = (byte) 0x01;
    byte ACC_DF02_EF05_UPDATE_2_0 = (byte) 0x00;
    byte ACC_DF02_EF05_READ_3_0 = (byte) 0x05;
    byte ACC_DF02_EF05_UPDATE_3_0 = (byte) 0x00;
    byte ACC_DF03_EF05_READ_2_0 = (byte) 0x01;
    byte ACC_DF03_EF05_UPDATE_2_0 = (byte) 0x00;
    byte ACC_DF03_EF05_READ_3_0 = (byte) 0x05;
    byte ACC_DF03_EF05_UPDATE_3_0 = (byte) 0x00;
    byte ACC_DF04_EF05_READ_2_0 = (byte) 0x03;
    byte ACC_DF04_EF05_UPDATE_2_0 = (byte) 0x02;
    byte ACC_DF04_EF05_READ_3_0 = (byte) 0x07;
    byte ACC_DF04_EF05_UPDATE_3_0 = (byte) 0x02;
}
