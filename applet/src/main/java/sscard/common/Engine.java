package sscard.common;

import javacard.framework.AID;
import javacard.framework.APDU;
import javacard.framework.ISO7816;
import javacard.framework.ISOException;
import javacard.framework.JCSystem;
import javacard.framework.SystemException;
import javacard.framework.Util;

/**
 * One card application, driven by its generated tables: the command dispatcher with the spec's
 * check order (protocol.toml [check_order], SSC-APDU-2) and what each command does.
 *
 * <p>Steps 1-8 are generic: the COMMANDS row of the command (CLA, INS, P1-P2, data length, Le,
 * lifecycle states, secure messaging, access conditions) decides them. Step 9 runs the row's
 * action; step 10 answers, with 6CXX for a wrong Le where the response length is computed.
 *
 * <p>Persistent state here: the lifecycle, the access profile and the ATC; the PIN
 * ({@link PinGuard}), the keys ({@link KeyStore}) and the records ({@link FileSystem}) keep theirs.
 * Session state lives in {@link Transients}.
 */
public final class Engine implements CommonConstants {

    private static final short CDATA = ISO7816.OFFSET_CDATA;
    private static final short KEY_LENGTH = 16;
    private static final short KCV_LENGTH = 3;
    private static final short CARD_UNIQUE_LENGTH = 8;

    private final Tables t;
    private final byte[] commands;
    private final Transients transients;
    private final SecureMessaging sm;
    private final KeyStore keys;
    private final PinGuard pin;
    private final FileSystem fs;
    /** ALGORITHM_* of every key, fixed at installation (SSC-KEY-5). */
    private final byte algorithm;

    /** LC_BIT_* of the application's lifecycle state (SSC-LC-1). */
    private byte lifecycle;
    /** Access variant: 0 no profile set, i + 1 profile i (SSC-ACC-1). */
    private byte accessVariant;
    /** Application transaction counter: MAC'd commands whose MAC verified (SSC-FIN-3). */
    private short atc;

    /**
     * Creates the application as installation leaves it (PERSONALISATION; every record with its
     * padding; the personalisation key and the card-unique bytes from the install parameters,
     * SSC-PERSO-1). Allocates everything the application will ever use.
     *
     * @throws SystemException ILLEGAL_VALUE for applet data of another version or length, or an
     *     unknown algorithm
     */
    public Engine(Tables tables, byte[] bArray, short bOffset, byte bLength) {
        t = tables;
        commands = tables.commands;
        short data = InstallParams.appletDataOffset(bArray, bOffset, bLength);
        if (data >= 0 && (InstallParams.appletDataLength(bArray, data) != tables.installLength
                || bArray[data] != tables.installVersion)) {
            SystemException.throwIt(SystemException.ILLEGAL_VALUE);
        }
        // the card's algorithm (SSC-KEY-5): 3DES without applet data or an algorithm field
        algorithm = data >= 0 && tables.installAlgorithmOffset >= 0
                ? bArray[(short) (data + tables.installAlgorithmOffset)] : ALGORITHM_3DES_16;
        if (algorithm != ALGORITHM_3DES_16 && algorithm != ALGORITHM_SM4) {
            SystemException.throwIt(SystemException.ILLEGAL_VALUE);
        }
        transients = new Transients();
        sm = new SecureMessaging(transients, KeyStore.rows(tables.keys), algorithm);
        keys = new KeyStore(tables.keys, transients, sm);
        pin = new PinGuard(transients, sm);
        fs = new FileSystem(tables);
        lifecycle = LC_BIT_INITIAL;
        if (data < 0) {
            return; // no applet data: no personalisation key, so nothing can be personalised
        }
        short row = keys.installRow();
        if (row >= 0) {
            keys.load(row, bArray, (short) (data + tables.installPersoKeyOffset), (byte) 1);
        }
        if (tables.cardUniqueRecordOffset >= 0 && tables.installCardUniqueOffset >= 0) {
            fs.initialise(tables.cardUniqueRecordOffset, bArray,
                    (short) (data + tables.installCardUniqueOffset), CARD_UNIQUE_LENGTH);
        }
    }

    // ================================================================ selection, firewall

    /** SELECT of the application and its deselection end the session (SSC-APP-3). */
    public void endSession() {
        transients.endSession();
    }

    /**
     * Whether {@code client} may have this application's {@link CardTermination}: one of the
     * card's other applications, asking for it with {@link CardTermination#PARAMETER}.
     */
    public boolean grants(AID client, byte parameter) {
        if (client == null || parameter != CardTermination.PARAMETER) {
            return false;
        }
        byte[] others = t.otherApplications;
        for (short p = 0; p < (short) others.length; p = (short) (p + 1 + others[p])) {
            if (client.equals(others, (short) (p + 1), others[p])) {
                return true;
            }
        }
        return false;
    }

    /** {@link CardTermination#terminate}: joins the caller's transaction when one is open. */
    public void terminate() {
        boolean own = Atomic.begin();
        lifecycle = LC_BIT_TERMINATED;
        Atomic.commit(own);
    }

    // ================================================================ dispatcher

    /**
     * Processes one command APDU. Every error is an ISOException caught here, once: the scratch
     * area is wiped and an open transaction aborted before the status word goes out.
     *
     * @param selecting whether the runtime has just selected the application with this SELECT
     *     ({@code 00 A4 04 00} with its full AID, SSC-APP-3): then the SELECT is the application's,
     *     answered with its FCI; any other SELECT reaching the applet is forwarded by the runtime
     *     and leaves the session alone (SSC-APP-7)
     */
    public void process(APDU apdu, boolean selecting) {
        short sw = SW_OK;
        try {
            dispatch(apdu, selecting);
        } catch (ISOException e) {
            sw = e.getReason();
        }
        if (JCSystem.getTransactionDepth() != 0) {
            JCSystem.abortTransaction();
        }
        transients.clearScratch();
        if (sw != SW_OK) {
            ISOException.throwIt(sw);
        }
    }

    private void dispatch(APDU apdu, boolean selecting) {
        byte[] buf = apdu.getBuffer();
        // step 0: this command may use the challenge, no later one can (SSC-SM-1)
        transients.takeChallenge();
        // step 1: the runtime refuses malformed and extended APDUs; receive all the data
        short length = receive(apdu);
        // steps 2-5: CLA, INS, lifecycle, P1-P2 decide the command
        short row = command(buf);
        byte p1 = buf[ISO7816.OFFSET_P1];
        byte p2 = buf[ISO7816.OFFSET_P2];
        byte flags = commands[(short) (row + CMD_FLAGS)];
        // step 6: data length (MAC included) and Le, those of the card's algorithm (SSC-KEY-5)
        boolean sm4 = sm.isSm4();
        if (!inList(row, sm4 ? CMD_DATA_SM4 : CMD_DATA, LEN_RANGE, length)) {
            ISOException.throwIt(SW_WRONG_LENGTH);
        }
        byte leColumn = sm4 ? CMD_LE_SM4 : CMD_LE;
        if (commands[(short) (row + leColumn)] == LE_VALUES && !inList(row, leColumn, (byte) -1, ne(apdu))) {
            ISOException.throwIt(SW_WRONG_LENGTH);
        }
        // step 7: challenge (SSC-SM-7), MAC and its failure counter (SSC-SM-3, SSC-SM-6)
        boolean macd = (flags & CMD_FLAG_SM) != 0;
        if ((flags & (CMD_FLAG_SM | CMD_FLAG_CHALLENGE)) != 0
                && transients.commandChallengeLength() < t.challengeMinimum[accessVariant]) {
            ISOException.throwIt(SW_REF_DATA_NOT_USABLE);
        }
        if (macd) {
            short keyRow = keys.rowById(commands[(short) (row + CMD_MAC_KEY)]);
            if (keyRow < 0 || !keys.isLoaded(keyRow)) {
                ISOException.throwIt(SW_REF_DATA_NOT_FOUND);
            }
            length = (short) (length - MAC_LENGTH);
            keys.verifyMac(keyRow, buf, (short) (CDATA + length));
        }
        // step 8: access conditions, of the file for file-bound commands
        short file = -1;
        if ((flags & (CMD_FLAG_FILE_READ | CMD_FLAG_FILE_UPDATE)) != 0) {
            file = resolveFile(p2);
            require(fs.fileAccess(file, accessVariant, (flags & CMD_FLAG_FILE_UPDATE) != 0));
        } else {
            require(Util.getShort(commands, (short) (row + CMD_ACCESS)));
        }
        // step 9: the command itself; a MAC'd one in one transaction with its ATC update (SSC-FIN-3),
        // which process() aborts when the command is refused
        if (macd) {
            JCSystem.beginTransaction();
        }
        short response = 0;
        switch (commands[(short) (row + CMD_ACTION)]) {
            case ACT_SELECT:
                response = select(buf, p1, length, selecting);
                break;
            case ACT_READ_RECORD:
                response = readRecord(buf, p1, p2, file);
                break;
            case ACT_UPDATE_RECORD:
                updateRecord(buf, p1, p2, length, file);
                break;
            case ACT_VERIFY:
                verify(buf, length);
                break;
            case ACT_CHANGE_PIN:
                changePin(buf, length);
                break;
            case ACT_RELOAD_PIN:
                reloadPin(row, buf, length);
                break;
            case ACT_UNBLOCK_PIN:
                pin.unblock();
                break;
            case ACT_GET_CHALLENGE:
                response = getChallenge(apdu, buf);
                break;
            case ACT_EXTERNAL_AUTHENTICATE:
                keys.authenticate(keys.rowFor(p2, USAGE_EXTERNAL_AUTHENTICATE, lifecycle), buf, CDATA);
                break;
            case ACT_RESET_KEY_COUNTER:
                keys.resetCounter(keys.rowById(p2));
                break;
            case ACT_INTERNAL_AUTHENTICATE:
                response = internalAuthenticate(buf, p2);
                break;
            case ACT_TRANSITION:
                transition(row);
                break;
            case ACT_END_PERSONALISATION:
                endPersonalisation(row);
                break;
            case ACT_PUT_KEY:
                putKey(row, buf, p1, p2, length);
                break;
            case ACT_SET_PIN:
                setPin(row, buf, length);
                break;
            case ACT_SET_ACCESS_PROFILE:
                setAccessProfile(buf);
                break;
            case ACT_GET_DATA:
                response = getData(buf, p1, p2);
                break;
            default:
                ISOException.throwIt(SW_INS_NOT_SUPPORTED);
        }
        // step 10: Le of computed responses (SSC-APDU-3), then the response
        if (commands[(short) (row + CMD_LE)] == LE_COMPUTED) {
            short ne = ne(apdu);
            if (ne != 0 && ne != 256 && ne != response) {
                ISOException.throwIt((short) (SW_WRONG_LE | (response & 0xFF)));
            }
        }
        if (macd) {
            if (atc != (short) 0xFFFF) {
                atc++;
            }
            JCSystem.commitTransaction();
        }
        if (response > 0) {
            ne(apdu);
            apdu.setOutgoingLength(response);
            apdu.sendBytes((short) 0, response);
        }
    }

    /**
     * Receives all the command data; returns Lc (0 without data). Extended APDUs never reach the
     * applet (it does not implement ExtendedLength), so Lc is the byte at OFFSET_LC whenever data
     * came, and the data starts at OFFSET_CDATA: no need for getIncomingLength/getOffsetCdata,
     * which would exclude cards older than Java Card 2.2.2.
     */
    private static short receive(APDU apdu) {
        short received = apdu.setIncomingAndReceive();
        if (received == 0) {
            return 0; // no data field (case 1 or 2): the byte at OFFSET_LC is Le, if anything
        }
        short lc = Bytes.u8(apdu.getBuffer(), ISO7816.OFFSET_LC);
        while (received < lc) {
            received = (short) (received + apdu.receiveBytes((short) (CDATA + received)));
        }
        return lc;
    }

    /** Ne (0: no Le, 256: Le 00), asked of the runtime once per command. */
    private short ne(APDU apdu) {
        if (!transients.neKnown()) {
            transients.setNe(apdu.setOutgoing());
        }
        return transients.ne();
    }

    /**
     * Steps 2-5: the COMMANDS row of this CLA INS P1 P2.
     *
     * @throws ISOException 6E00 unknown CLA or CLA-INS pair, 6D00 unknown INS, 6A81 terminated,
     *     6985 not in this lifecycle state (of the first command with this CLA-INS), 6A86 P1-P2
     */
    private short command(byte[] buf) {
        byte cla = buf[ISO7816.OFFSET_CLA];
        byte ins = buf[ISO7816.OFFSET_INS];
        boolean claKnown = false;
        boolean insKnown = false;
        short first = -1;
        for (short p = 0; p < (short) commands.length; p = (short) (p + CMD_ENTRY_SIZE)) {
            boolean claMatch = commands[(short) (p + CMD_CLA)] == cla;
            boolean insMatch = commands[(short) (p + CMD_INS)] == ins;
            claKnown |= claMatch;
            insKnown |= insMatch;
            if (claMatch && insMatch && first < 0) {
                first = p;
            }
        }
        if (!claKnown) {
            ISOException.throwIt(SW_CLA_NOT_SUPPORTED);
        }
        if (!insKnown) {
            ISOException.throwIt(SW_INS_NOT_SUPPORTED);
        }
        if (first < 0) {
            ISOException.throwIt(SW_CLA_NOT_SUPPORTED);
        }
        if (lifecycle == LC_BIT_TERMINATED) {
            ISOException.throwIt(SW_FUNC_NOT_SUPPORTED);
        }
        if ((commands[(short) (first + CMD_STATES)] & lifecycle) == 0) {
            ISOException.throwIt(SW_CONDITIONS_NOT_SATISFIED);
        }
        byte p1 = buf[ISO7816.OFFSET_P1];
        byte p2 = buf[ISO7816.OFFSET_P2];
        for (short p = first; p < (short) commands.length; p = (short) (p + CMD_ENTRY_SIZE)) {
            if (commands[(short) (p + CMD_CLA)] == cla && commands[(short) (p + CMD_INS)] == ins
                    && acceptsP1P2(p, p1, p2)) {
                return p;
            }
        }
        ISOException.throwIt(SW_INCORRECT_P1P2);
        return -1;
    }

    private boolean acceptsP1P2(short row, byte p1, byte p2) {
        short col = (short) (row + CMD_P1);
        if (commands[col] == PARAM_P1P2) {
            byte[] values = t.commandValues;
            short off = Bytes.u8(commands, (short) (col + 1));
            short end = (short) (off + 2 * Bytes.u8(commands, (short) (col + 2)));
            for (; off < end; off = (short) (off + 2)) {
                if (values[off] == p1 && values[(short) (off + 1)] == p2) {
                    return true;
                }
            }
            return false;
        }
        return acceptsParam(col, p1) && acceptsParam((short) (row + CMD_P2), p2);
    }

    private boolean acceptsParam(short col, byte value) {
        short v = (short) (value & 0xFF);
        short a = Bytes.u8(commands, (short) (col + 1));
        short b = Bytes.u8(commands, (short) (col + 2));
        switch (commands[col]) {
            case PARAM_VALUES:
                for (short i = 0; i < b; i++) {
                    if (t.commandValues[(short) (a + i)] == value) {
                        return true;
                    }
                }
                return false;
            case PARAM_RANGE:
                return a <= v && v <= b;
            case PARAM_SFI_MODES:
                return (short) (v >> 3) != 31 && (a & (short) (1 << (v & 7))) != 0;
            default:
                return true;
        }
    }

    /** Whether {@code value} is in a DATA or LE column's list, or range (kind {@code rangeKind}). */
    private boolean inList(short row, byte column, byte rangeKind, short value) {
        short col = (short) (row + column);
        short a = Bytes.u8(commands, (short) (col + 1));
        short b = Bytes.u8(commands, (short) (col + 2));
        if (commands[col] == rangeKind) {
            return a <= value && value <= b;
        }
        for (short i = 0; i < b; i++) {
            if (Bytes.u8(t.commandValues, (short) (a + i)) == value) {
                return true;
            }
        }
        return false;
    }

    /** The EF P2 addresses: SFI 1-30 under the current DF, or the current EF for SFI 0. */
    private short resolveFile(byte p2) {
        short sfi = (short) ((p2 & 0xFF) >> 3);
        if (sfi == 0) {
            short ef = transients.currentEf();
            if (ef < 0) {
                ISOException.throwIt(SW_COMMAND_NOT_ALLOWED);
            }
            return ef;
        }
        short file = fs.fileBySfi(transients.currentDf(), sfi);
        if (file < 0) {
            ISOException.throwIt(SW_FILE_NOT_FOUND);
        }
        return file;
    }

    /**
     * Access conditions: COND_ bits in the high byte, the key id in the low byte. State conditions
     * first (6985), then PIN, key and never (6982) (access.toml; SSC-ACC-*, SSC-PERSO-2).
     */
    private void require(short access) {
        byte bits = (byte) (access >> 8);
        if ((bits & COND_STATE) != 0 && (lifecycle & COND_STATE_STATES) == 0) {
            ISOException.throwIt(SW_CONDITIONS_NOT_SATISFIED);
        }
        if ((bits & COND_PIN) != 0 && !transients.pinVerified()) {
            ISOException.throwIt(SW_SECURITY_NOT_SATISFIED);
        }
        if ((bits & COND_KEY) != 0) {
            short row = keys.rowById((byte) access);
            if (row < 0 || !transients.authenticated(row)) {
                ISOException.throwIt(SW_SECURITY_NOT_SATISFIED);
            }
        }
        if ((bits & COND_NEVER) != 0) {
            ISOException.throwIt(SW_SECURITY_NOT_SATISFIED);
        }
    }

    // ================================================================ actions (step 9)

    /** SELECT (SSC-APP-3, SSC-APP-4): the application, a DF by name, an EF by FID, the root. */
    private short select(byte[] buf, byte p1, short length, boolean selecting) {
        if (p1 == 0x04) {
            if (selecting || JCSystem.getAID().equals(buf, CDATA, (byte) length)) {
                transients.selectDf((byte) 0);
                return applicationFci(buf);
            }
            if (length < InstallParams.AID_MIN_LENGTH || length > InstallParams.AID_MAX_LENGTH) {
                ISOException.throwIt(SW_WRONG_LENGTH);
            }
            byte df = fs.dfByAid(buf, CDATA, length);
            if (df < 0) {
                ISOException.throwIt(SW_FILE_NOT_FOUND);
            }
            transients.selectDf(df);
            short n = fs.dfName(df, buf, (short) 2);
            buf[0] = (byte) 0x6F;
            buf[1] = (byte) n;
            return (short) (n + 2);
        }
        if (p1 == 0x03) {
            if (length != 0) {
                ISOException.throwIt(SW_WRONG_LENGTH);
            }
            transients.selectDf((byte) 0);
            return 0;
        }
        if (length != 2) {
            ISOException.throwIt(SW_WRONG_LENGTH);
        }
        short file = fs.fileByFid(transients.currentDf(), Util.getShort(buf, CDATA));
        if (file < 0) {
            ISOException.throwIt(SW_FILE_NOT_FOUND);
        }
        transients.selectEf(file);
        return 0;
    }

    /** FCI 6F {84 AID, 8A lifecycle status byte, proprietary data}. */
    private short applicationFci(byte[] buf) {
        buf[0] = (byte) 0x6F;
        buf[2] = (byte) 0x84;
        short n = JCSystem.getAID().getBytes(buf, (short) 4);
        buf[3] = (byte) n;
        short off = (short) (4 + n);
        buf[off++] = (byte) 0x8A;
        buf[off++] = 1;
        buf[off++] = lifecycleCode();
        off = Util.arrayCopyNonAtomic(t.fciProprietary, (short) 0, buf, off, (short) t.fciProprietary.length);
        buf[1] = (byte) (off - 2);
        return off;
    }

    private byte lifecycleCode() {
        for (short i = 0; i < (short) t.lifecycleCodes.length; i++) {
            if ((lifecycle & (short) (1 << i)) != 0) {
                return t.lifecycleCodes[i];
            }
        }
        return 0;
    }

    /** READ RECORD (SSC-FILE-2): by number (mode 100), by tag (000), P1 to the last (101). */
    private short readRecord(byte[] buf, byte p1, byte p2, short file) {
        short mode = (short) (p2 & 7);
        short number = (short) (p1 & 0xFF);
        short first;
        short end;
        if (mode == 0 || mode == 4) {
            first = mode == 0 ? fs.recordByTag(file, p1) : fs.recordByNumber(file, number);
            end = (short) (first + 1);
        } else {
            first = fs.firstRecord(file);
            end = fs.endRecord(file);
            while (first < end && fs.recordNumber(first) < number) {
                first++;
            }
        }
        if (first < 0 || first >= end) {
            ISOException.throwIt(SW_RECORD_NOT_FOUND);
        }
        for (short r = first; r < end; r++) {
            require(fs.recordAccess(r, accessVariant));
        }
        transients.selectEf(file);
        short off = 0;
        for (short r = first; r < end; r++) {
            off = (short) (off + fs.read(r, buf, off));
        }
        return off;
    }

    /** UPDATE RECORD (SSC-FILE-3): one complete record of the layout, by number. */
    private void updateRecord(byte[] buf, byte p1, byte p2, short length, short file) {
        if (file < 0) {
            file = resolveFile(p2);
        }
        short record = fs.recordByNumber(file, (short) (p1 & 0xFF));
        if (record < 0) {
            ISOException.throwIt(SW_RECORD_NOT_FOUND);
        }
        if (!fs.isValid(record, buf, CDATA, length)) {
            ISOException.throwIt(SW_WRONG_DATA);
        }
        fs.write(record, buf, CDATA);
        transients.selectEf(file);
    }

    /** VERIFY (SSC-PIN-2..5, 10, 11): empty asks the tries left. */
    private void verify(byte[] buf, short length) {
        if (length == 0) {
            pin.verifyEmpty();
            return;
        }
        PinFormat.parse(t.pinFormat, buf, CDATA, length, transients.ram, Transients.SCRATCH_PIN);
        pin.check(Transients.SCRATCH_PIN, (short) -1);
    }

    /** CHANGE PIN (SSC-PIN-7): old PIN || FF || new PIN, both BCD; malformed data spends nothing. */
    private void changePin(byte[] buf, short length) {
        short sep = Bytes.indexOf(buf, CDATA, length, (byte) 0xFF);
        if (sep < 0) {
            ISOException.throwIt(SW_WRONG_DATA);
        }
        byte[] ram = transients.ram;
        PinFormat.parseBcd(buf, CDATA, sep, ram, Transients.SCRATCH_PIN);
        PinFormat.parseBcd(buf, (short) (CDATA + sep + 1), (short) (length - sep - 1), ram,
                Transients.SCRATCH_NEW_PIN);
        pin.check(Transients.SCRATCH_PIN, Transients.SCRATCH_NEW_PIN);
    }

    /** The loaded key of the row's encipherment key id, else 6A88. */
    private short encipherKey(short row) {
        short keyRow = keys.rowById(commands[(short) (row + CMD_ENC_KEY)]);
        if (keyRow < 0 || !keys.isLoaded(keyRow)) {
            ISOException.throwIt(SW_REF_DATA_NOT_FOUND);
        }
        return keyRow;
    }

    /** RELOAD PIN (SSC-PIN-9): the new PIN, enciphered, in the application's PIN format. */
    private void reloadPin(short row, byte[] buf, short length) {
        short ld = sm.decipher(encipherKey(row), buf, CDATA, length);
        byte[] ram = transients.ram;
        PinFormat.parse(t.pinFormat, ram, (short) (Transients.SCRATCH_PLAIN + 1), ld, ram, Transients.SCRATCH_PIN);
        pin.replace(Transients.SCRATCH_PIN, (byte) 0);
    }

    /** GET CHALLENGE (SSC-SM-1): Ne random bytes, the challenge of the next command. */
    private short getChallenge(APDU apdu, byte[] buf) {
        short n = ne(apdu);
        sm.random(transients.ram, transients.challengeOffset(), n);
        transients.setChallengeLength((byte) n);
        Util.arrayCopyNonAtomic(transients.ram, transients.challengeOffset(), buf, (short) 0, n);
        return n;
    }

    /** INTERNAL AUTHENTICATE (SSC-KEY-4): the terminal's block enciphered under key P2. */
    private short internalAuthenticate(byte[] buf, byte p2) {
        short row = keys.rowFor(p2, USAGE_INTERNAL_AUTHENTICATE, lifecycle);
        byte[] ram = transients.ram;
        short n = sm.encipherBlock(row, buf, CDATA, ram, Transients.SCRATCH_BLOCK_OUT);
        return Util.arrayCopyNonAtomic(ram, Transients.SCRATCH_BLOCK_OUT, buf, (short) 0, n);
    }

    /**
     * The row's lifecycle transition (lifecycle.toml). A card-wide one (CARD BLOCK, SSC-LC-7)
     * terminates the card's other applications through their {@link CardTermination}, in the same
     * transaction as this one.
     */
    private void transition(short row) {
        byte next = commands[(short) (row + CMD_NEXT_STATE)];
        boolean own = Atomic.begin();
        if ((commands[(short) (row + CMD_FLAGS)] & CMD_FLAG_CARD_SCOPE) != 0) {
            byte[] others = t.otherApplications;
            for (short p = 0; p < (short) others.length; p = (short) (p + 1 + others[p])) {
                AID aid = JCSystem.lookupAID(others, (short) (p + 1), others[p]);
                if (aid != null) {
                    CardTermination other = (CardTermination) JCSystem.getAppletShareableInterfaceObject(
                            aid, CardTermination.PARAMETER);
                    if (other != null) {
                        other.terminate();
                    }
                }
            }
        }
        lifecycle = next;
        Atomic.commit(own);
    }

    /** END PERSONALISATION (SSC-LC-3): only with the PIN, the access profile and the required keys. */
    private void endPersonalisation(short row) {
        if (!pin.isSet() || (t.profiles.length != 0 && accessVariant == 0) || !keys.requiredLoaded()) {
            ISOException.throwIt(SW_CONDITIONS_NOT_SATISFIED);
        }
        transition(row);
    }

    /** PUT KEY (SSC-PERSO-3): key P2, version P1, enciphered, then its check value. */
    private void putKey(short row, byte[] buf, byte p1, byte p2, short length) {
        short target = keys.rowById(p2);
        if (target < 0) {
            ISOException.throwIt(SW_REF_DATA_NOT_FOUND);
        }
        short cryptogram = (short) (length - KCV_LENGTH);
        short ld = sm.decipher(encipherKey(row), buf, CDATA, cryptogram);
        short value = (short) (Transients.SCRATCH_PLAIN + 1);
        if (ld != KEY_LENGTH || !sm.checkValueMatches(transients.ram, value, buf, (short) (CDATA + cryptogram))) {
            ISOException.throwIt(SW_WRONG_DATA);
        }
        keys.load(target, transients.ram, value, p1);
    }

    /** SET PIN (SSC-PERSO-4): try limit 1-15, then the PIN (BCD) enciphered. */
    private void setPin(short row, byte[] buf, short length) {
        byte limit = buf[CDATA];
        if (limit < 1 || limit > 15) {
            ISOException.throwIt(SW_WRONG_DATA);
        }
        short ld = sm.decipher(encipherKey(row), buf, (short) (CDATA + 1), (short) (length - 1));
        byte[] ram = transients.ram;
        PinFormat.parseBcd(ram, (short) (Transients.SCRATCH_PLAIN + 1), ld, ram, Transients.SCRATCH_PIN);
        pin.replace(Transients.SCRATCH_PIN, limit);
    }

    /** SET ACCESS PROFILE (SSC-PERSO-5): a known profile of the card's algorithm. */
    private void setAccessProfile(byte[] buf) {
        for (short i = 0; i < (short) t.profiles.length; i++) {
            if (t.profiles[i] == buf[CDATA] && t.profileAlgorithms[i] == algorithm) {
                accessVariant = (byte) (i + 1);
                return;
            }
        }
        ISOException.throwIt(SW_WRONG_DATA);
    }

    /** GET DATA (SSC-FIN-2): the data object P1-P2 as TLV. */
    private short getData(byte[] buf, byte p1, byte p2) {
        byte[] objects = t.dataObjects;
        for (short p = 0; p < (short) objects.length; p = (short) (p + DATA_OBJECTS_ENTRY_SIZE)) {
            if (objects[(short) (p + DATA_OBJECTS_TAG)] == p1 && objects[(short) (p + DATA_OBJECTS_TAG + 1)] == p2) {
                short length = objects[(short) (p + DATA_OBJECTS_LENGTH)];
                short value = objects[(short) (p + DATA_OBJECTS_SOURCE)] == DO_SOURCE_ATC ? atc : pin.triesLeft();
                buf[0] = p1;
                buf[1] = p2;
                buf[2] = (byte) length;
                if (length == 1) {
                    buf[3] = (byte) value;
                } else {
                    Util.setShort(buf, (short) 3, value);
                }
                return (short) (3 + length);
            }
        }
        ISOException.throwIt(SW_INCORRECT_P1P2);
        return 0;
    }
}
