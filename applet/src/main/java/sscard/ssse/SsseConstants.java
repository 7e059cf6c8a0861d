// generated from apdu_spec/*.toml by `python -m apdu_spec.generate`; do not edit
package sscard.ssse;

/**
 * Constants of the Social security application (社会保障应用).
 *
 * <p>Primitive constants only: the tables (arrays) are static fields of {@link SsseTables},
 * as Java Card's converter takes nothing else in an interface.
 */
@SuppressWarnings("unused")
public interface SsseConstants {
    // applet AID 7378312E73682EC9E7BBE1B1A3D5CF, package AID 7378312E730001: converter and loader parameters, not card data
    byte DEFAULT_PIN_TRY_LIMIT = (byte) 0x06;
    byte PIN_FORMAT = (byte) 0x01;

    // ---- install parameters (protocol.toml [install])
    short INSTALL_OFF_VERSION = 0;
    byte INSTALL_VERSION = (byte) 0x02;
    short INSTALL_OFF_ALGORITHM = 1;
    short INSTALL_OFF_PERSO_KEY = 2;
    short INSTALL_OFF_CARD_UNIQUE = 18;
    short INSTALL_LENGTH = 26;

    // ---- instructions of this application
    byte INS_RELOAD_PIN = (byte) 0x5E;

    // ---- key ids (KEYS rows)
    byte KEY_PERSO = (byte) 0x01; // KPERSO: personalisation (transport) key
    byte KEY_RK = (byte) 0x02; // RKSSSE: terminal read key (external authentication)
    byte KEY_IK = (byte) 0x03; // IKSSSE: internal authentication key (card authenticity)
    byte KEY_MAINT = (byte) 0x04; // DAMK_SSSE: application maintenance key (ACTIVATE, BLOCK, UNBLOCK, CARD BLOCK, UPDATE RECORD with MAC)
    byte KEY_UNBLOCK = (byte) 0x05; // DPUK_SSSE: PIN unblock key
    byte KEY_RELOAD = (byte) 0x06; // DRPK_SSSE: PIN reload key

    // ---- sub-applications (DFs, the DFS table of the Tables class)
    short DF01_FID = (short) 0xDF01;
    short DF02_FID = (short) 0xDF02;
    short DF03_FID = (short) 0xDF03;
    short DF04_FID = (short) 0xDF04;

    // ---- access variants: none set, then one per access profile
    byte ACCESS_VARIANTS = (byte) 0x03;

    // ---- files: rows of FILES
    byte FILE_EF05 = (byte) 0x00; // row of EF05 in FILES
    byte FILE_EF06 = (byte) 0x01; // row of EF06 in FILES
    byte FILE_DF01_EF05 = (byte) 0x02; // row of DF01_EF05 in FILES
    byte FILE_DF02_EF05 = (byte) 0x03; // row of DF02_EF05 in FILES
    byte FILE_DF03_EF05 = (byte) 0x04; // row of DF03_EF05 in FILES
    byte FILE_DF04_EF05 = (byte) 0x05; // row of DF04_EF05 in FILES

    /** Where installation writes the 8 card-unique bytes in RECORD_IMAGES (-1: nowhere; SSC-FILE-4). */
    short CARD_UNIQUE_OFFSET = 10;
}
