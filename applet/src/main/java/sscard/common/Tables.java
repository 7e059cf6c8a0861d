package sscard.common;

/**
 * The generated tables of one application ({@code <App>Constants}), handed to the shared engine.
 *
 * <p>The arrays belong to the application's own package (the static arrays of its generated
 * {@code <App>Tables} class, not of its constants interface: the converter takes only primitive
 * constants in an interface); the library code reads them in the application's context. Column
 * layouts are in {@link CommonConstants} ({@code CMD_*}, {@code KEYS_*}, {@code FILES_*}, ...).
 */
public final class Tables {

    /** COMMANDS rows and the value lists they point into (CMD_VALUES). */
    public byte[] commands;
    public byte[] commandValues;
    /** KEYS rows. */
    public byte[] keys;
    /** Sub-applications: length, AID, FID; ... (index 1.. in this order). */
    public byte[] dfs;
    /** SET ACCESS PROFILE codes; profile i is access variant i + 1. */
    public byte[] profiles;
    /** The key algorithm (ALGORITHM_*) of each profile: SET ACCESS PROFILE takes the card's (SSC-PERSO-5). */
    public byte[] profileAlgorithms;
    /** Minimum challenge length of commands that need one, by access variant (SSC-SM-7). */
    public byte[] challengeMinimum;
    /** Access variants per file and record: 1 + the number of profiles. */
    public byte accessVariants;
    public byte[] files;
    public byte[] fileAccess;
    public byte[] records;
    public byte[] recordAccess;
    public byte[] items;
    /** Every record as created at installation, file by file. */
    public byte[] recordImages;
    /** Where the install parameters' card-unique bytes go in the records, or -1. */
    public short cardUniqueRecordOffset;
    public byte[] dataObjects;
    /** The card's other applications (length, AID; ...): CARD BLOCK ends them too. */
    public byte[] otherApplications;
    /** Lifecycle status byte of each state, by state bit position. */
    public byte[] lifecycleCodes;
    /** Proprietary FCI data (A5 template) after the application's lifecycle byte. */
    public byte[] fciProprietary;
    /** PIN_FORMAT_* of VERIFY and RELOAD PIN. */
    public byte pinFormat;
    /** Install parameters: version byte, total length, offsets (-1: no such field). */
    public byte installVersion;
    public short installLength;
    public short installPersoKeyOffset;
    public short installCardUniqueOffset;
    /** The card's key algorithm (ALGORITHM_*) in the install parameters, or -1: 3DES (SSC-KEY-5). */
    public short installAlgorithmOffset;
}
