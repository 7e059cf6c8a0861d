// generated from apdu_spec/*.toml by `python -m apdu_spec.generate`; do not edit
package sscard.pboc;

/**
 * Constants of the Financial application (PBOC debit, 金融应用).
 *
 * <p>Primitive constants only: the tables (arrays) are static fields of {@link PbocTables},
 * as Java Card's converter takes nothing else in an interface.
 */
@SuppressWarnings("unused")
public interface PbocConstants {
    // applet AID A000000333010101, package AID A000000333FF01: converter and loader parameters, not card data
    byte DEFAULT_PIN_TRY_LIMIT = (byte) 0x03;
    byte PIN_FORMAT = (byte) 0x02;

    // ---- install parameters (protocol.toml [install])
    short INSTALL_OFF_VERSION = 0;
    byte INSTALL_VERSION = (byte) 0x01;
    short INSTALL_OFF_PERSO_KEY = 1;
    short INSTALL_LENGTH = 17;

    // ---- instructions of this application
    byte INS_RELOAD_PIN = (byte) 0x24;

    // ---- key ids (KEYS rows)
    byte KEY_PERSO = (byte) 0x01; // KPERSO_FIN: personalisation (transport) key of the bank's card vendor
    byte KEY_MAINT = (byte) 0x02; // MAC_UDK: issuer script MAC key (ACTIVATE, BLOCK, UNBLOCK, CARD BLOCK, PIN CHANGE/UNBLOCK)
    byte KEY_ENC = (byte) 0x03; // ENC_UDK: issuer script encipherment key (new PIN of PIN CHANGE/UNBLOCK P2 02)

    // ---- access variants: none set, then one per access profile
    byte ACCESS_VARIANTS = (byte) 0x01;

    // ---- files: rows of FILES
    byte FILE_FIN_SFI1 = (byte) 0x00; // row of FIN_SFI1 in FILES

    /** Where installation writes the 8 card-unique bytes in RECORD_IMAGES (-1: nowhere; SSC-FILE-4). */
    short CARD_UNIQUE_OFFSET = -1;
}
