package sscard.sim;

import com.licel.jcardsim.smartcardio.CardSimulator;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javacard.framework.AID;
import javacardx.apdu.ExtendedLength;
import javacard.framework.Applet;
import javacard.framework.CardRuntimeException;

/**
 * One simulated card: a jCardSim {@link CardSimulator} holding any number of applets, which
 * {@link #freshCard} can replace by a brand-new card (the same applets or others) without a new JVM.
 *
 * <p>Generic: it knows nothing of sscard's applets. Behaviour worth knowing:
 * <ul>
 *   <li>{@link #install} passes the applet GlobalPlatform-style install parameters
 *       ({@code Li AID Lc La data}, as a real card's INSTALL [for install] does), so applets
 *       registering with {@code register(bArray, bOffset + 1, bArray[bOffset])} and applets calling
 *       {@code register()} both work. (jCardSim's own {@code installApplet(aid, class)} passes no
 *       parameters, which breaks the first kind.)</li>
 *   <li>{@link #transmit} never throws for a bad APDU: a command that is not a well-formed ISO 7816-4
 *       short or extended APDU (shorter than 4 bytes, or Lc/Le inconsistent with its length)
 *       answers {@code 6700}; an internal jCardSim failure answers {@code 6F00}.</li>
 *   <li>Applet selection follows the Java Card RE (3.0.5, chapter 4), not jCardSim's shortcuts
 *       ({@link SelectionRuntime}): only {@code 00 A4 04 00} with data equal to an installed
 *       applet's full AID selects (no partial AID; a SELECT without data selects nothing), and only
 *       then is the current applet deselected. Any other SELECT goes to the current applet, which
 *       stays selected and keeps its session. With no applet selected, an applet SELECT naming no
 *       applet answers {@code 6A82}, as a GlobalPlatform card's issuer security domain does
 *       (the bare runtime says {@code 6999}), and any other command {@code 6986}.</li>
 *   <li>The card opens only the basic logical channel: a CLA naming channel 1-19 (Java Card
 *       encoding; CLA {@code FF} names none) answers {@code 6881} and reaches no applet (jCardSim
 *       ignores the channel bits and would run the command on channel 0).</li>
 *   <li>The protocol the applets see is T=1, which is what the ATR announces.</li>
 *   <li>{@link #setFault} seeds one {@link Fault} into the card: a faulty reference card for the
 *       conformance tool. The fault sits between the reader and the applets, which stay correct;
 *       a fresh card keeps it, {@code setFault(null)} takes it out.</li>
 * </ul>
 *
 * <p>Thread-safe: every method runs under one lock, and each one that touches the card uses the
 * card current at that moment, so callers that keep the CardHost (the vpcd client, the py4j entry
 * point) follow a {@link #freshCard} at once. The lock is shared by all instances because jCardSim
 * keeps the "current" runtime in a static (thread-local) field.
 */
public final class CardHost {

    /** ISO 7816-4 status words this class answers itself. */
    static final int SW_WRONG_LENGTH = 0x6700;
    static final int SW_LOGICAL_CHANNEL_NOT_SUPPORTED = 0x6881;
    static final int SW_COMMAND_NOT_ALLOWED = 0x6986;
    static final int SW_FILE_NOT_FOUND = 0x6A82;
    static final int SW_UNKNOWN = 0x6F00;
    /** What jCardSim answers to a SELECT naming no applet while none is selected. */
    private static final int SW_JCARDSIM_SELECT_FAILED = 0x6999;

    /** The longest command APDU jCardSim's APDU buffer takes (5 header bytes + 255 data bytes). */
    static final int MAX_APDU = 260;

    /** Java Card's limit for the install parameters' {@code bLength}. */
    static final int MAX_INSTALL_PARAMS = 127;

    private static final Object LOCK = new Object();

    /** One jCardSim card and what was installed on it. */
    private static final class Card {
        final CardSimulator simulator;
        final SelectionRuntime runtime = new SelectionRuntime();
        /** What the seeded fault (if any) remembers of this card. */
        final Fault.State faultState = new Fault.State(runtime::selectedApplet);
        /** Installed instance AIDs (upper-case hex) to what was installed there, in install order. */
        final Map<String, AppletSpec> installed = new LinkedHashMap<>();
        /** Whether any installed applet takes extended-length APDUs (javacardx.apdu.ExtendedLength). */
        boolean extendedLength;

        Card() {
            simulator = new CardSimulator(runtime);
            simulator.changeProtocol("T=1");
        }
    }

    /** An install checked and encoded, ready for {@link #installInto}. */
    private record Prepared(AppletSpec spec, byte[] aid, Class<? extends Applet> appletClass,
            byte[] params) {
    }

    /** The current card; replaced by {@link #freshCard}. Guarded by {@link #LOCK}. */
    private Card card;

    /** The seeded fault the card has, null for a correct card. Guarded by {@link #LOCK}. */
    private Fault fault;

    /** An empty card: no applets, jCardSim's default ATR. */
    public CardHost() {
        synchronized (LOCK) {
            card = new Card();
        }
    }

    /** Installs an applet with no applet-specific install data. See {@link #install(String, String, byte[])}. */
    public void install(String className, String aidHex) {
        install(className, aidHex, new byte[0]);
    }

    /**
     * Installs an applet instance on the current card; {@link #freshCard} with no applets installs
     * it again.
     *
     * @param className fully-qualified name of a {@code javacard.framework.Applet} subclass on the
     *     classpath, with the usual {@code static install(byte[], short, byte)}
     * @param aidHex instance AID, 5 to 16 bytes in hex
     * @param appletData applet-specific install data (the {@code La} part); with the AID and the
     *     length bytes the parameters may not exceed 127 bytes, the Java Card limit for
     *     {@code bLength}
     * @throws IllegalArgumentException for an unknown class, a class that is not an applet, a bad
     *     AID, an AID already in use, too much install data, or an applet whose install fails (jCardSim
     *     then keeps the AID reserved: install elsewhere, or start over with {@link #freshCard})
     */
    public void install(String className, String aidHex, byte[] appletData) {
        install(new AppletSpec(className, aidHex, appletData == null ? "" : Hex.encode(appletData)));
    }

    /** Installs an applet instance with its install data. See {@link #install(String, String, byte[])}. */
    public void install(AppletSpec applet) {
        Prepared prepared = prepare(applet);
        synchronized (LOCK) {
            installInto(card, prepared);
        }
    }

    /**
     * Replaces the card by a brand-new jCardSim card (T=1, nothing selected, every applet's state
     * new, as if a new card were inserted) holding {@code applets}, installed in order with their
     * install data. With no applets ({@code null} or empty) it installs what the current card holds:
     * the same classes at the same AIDs with the same install data, in the same order.
     *
     * <p>The new card is built first and only then takes the old one's place, all under the lock:
     * a concurrent {@link #transmit} runs wholly on the old card or wholly on the new one, and when
     * an install fails the old card stays, untouched.
     *
     * @throws IllegalArgumentException as {@link #install(String, String, byte[])} for any applet
     *     (also for two at the same AID); the current card is then kept
     */
    public void freshCard(List<AppletSpec> applets) {
        List<Prepared> prepared = new ArrayList<>();
        if (applets != null) {
            for (AppletSpec applet : applets) {
                prepared.add(prepare(applet));
            }
        }
        synchronized (LOCK) {
            if (prepared.isEmpty()) {
                for (AppletSpec applet : card.installed.values()) {
                    prepared.add(prepare(applet));
                }
            }
            Card fresh = new Card();
            for (Prepared applet : prepared) {
                installInto(fresh, applet);
            }
            card = fresh;
        }
    }

    /** What the current card holds, in install order (each AID in upper-case hex). */
    public List<AppletSpec> applets() {
        synchronized (LOCK) {
            return List.copyOf(card.installed.values());
        }
    }

    /** Checks an install and encodes its parameters; touches no card. */
    private static Prepared prepare(AppletSpec applet) {
        if (applet == null) {
            throw new IllegalArgumentException("applet is null");
        }
        byte[] aid = Hex.decode(applet.aidHex(), "AID");
        if (aid.length < 5 || aid.length > 16) {
            throw new IllegalArgumentException("AID must be 5 to 16 bytes, got " + aid.length
                    + " (" + applet.aidHex() + ")");
        }
        byte[] appletData = applet.installData();
        int maxData = MAX_INSTALL_PARAMS - 3 - aid.length;
        if (appletData.length > maxData) {
            throw new IllegalArgumentException("install data for a " + aid.length + "-byte AID is"
                    + " limited to " + maxData + " bytes, got " + appletData.length);
        }
        Class<? extends Applet> appletClass = appletClass(applet.className());

        // GlobalPlatform install parameters: Li AID, Lc (no system parameters), La data
        byte[] params = new byte[1 + aid.length + 1 + 1 + appletData.length];
        params[0] = (byte) aid.length;
        System.arraycopy(aid, 0, params, 1, aid.length);
        params[1 + aid.length] = 0;
        params[2 + aid.length] = (byte) appletData.length;
        System.arraycopy(appletData, 0, params, 3 + aid.length, appletData.length);
        AppletSpec normalised = new AppletSpec(applet.className(), Hex.encode(aid), applet.dataHex());
        return new Prepared(normalised, aid, appletClass, params);
    }

    /** Installs on {@code target}; the caller holds the lock. */
    private static void installInto(Card target, Prepared applet) {
        String key = applet.spec().aidHex();
        AppletSpec existing = target.installed.get(key);
        if (existing != null) {
            throw new IllegalArgumentException("AID " + key + " is already in use by "
                    + existing.className());
        }
        byte[] aid = applet.aid();
        byte[] params = applet.params();
        try {
            target.simulator.installApplet(new AID(aid, (short) 0, (byte) aid.length),
                    applet.appletClass(), params, (short) 0, (byte) params.length);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("installing " + applet.spec().className() + " at AID "
                    + key + " failed: " + describe(e), e);
        }
        target.installed.put(key, applet.spec());
        target.extendedLength |= ExtendedLength.class.isAssignableFrom(applet.appletClass());
    }

    /**
     * Sends one command APDU and returns the response APDU (data followed by SW1 SW2).
     *
     * @throws IllegalArgumentException only when {@code apdu} is null; malformed APDUs answer 6700
     */
    public byte[] transmit(byte[] apdu) {
        if (apdu == null) {
            throw new IllegalArgumentException("apdu is null");
        }
        if (!isWellFormed(apdu)) {
            return sw(SW_WRONG_LENGTH);
        }
        synchronized (LOCK) {
            if (isExtended(apdu) && !card.extendedLength) {
                // A card none of whose applets takes extended length refuses it at the transport,
                // whatever is selected (jCardSim alone would answer 6986 with nothing selected).
                return sw(SW_WRONG_LENGTH);
            }
        }
        Fault seeded;
        synchronized (LOCK) {
            seeded = fault;
        }
        if (logicalChannel(apdu[0]) != 0 && (seeded == null || !seeded.handlesChannels())) {
            return sw(SW_LOGICAL_CHANNEL_NOT_SUPPORTED); // before any applet: nothing changes
        }
        byte[] command = apdu.clone(); // the simulator must not see later changes by the caller
        synchronized (LOCK) {
            if (fault == null) {
                return forward(command);
            }
            Card current = card;
            return fault.apply(command, current.faultState, c -> {
                boolean named = current.runtime.appletNamedBy(c) != null;
                byte[] response = forward(c);
                if (named) { // an applet selection: the fault follows which application is selected
                    boolean selected = statusWord(response) == 0x9000;
                    current.faultState.selected = selected
                            ? Hex.encode(java.util.Arrays.copyOfRange(c, 5, 5 + (c[4] & 0xFF))) : null;
                }
                return response;
            });
        }
    }

    /** Sends a well-formed command to the current card's applets; the caller holds the lock. */
    private byte[] forward(byte[] command) {
        boolean selected = card.runtime.anySelected();
        boolean named = card.runtime.appletNamedBy(command) != null;
        byte[] response;
        try {
            response = card.simulator.transmitCommand(command);
        } catch (RuntimeException e) {
            return sw(SW_UNKNOWN);
        }
        if (!selected && !named && response.length == 2
                && statusWord(response) == SW_JCARDSIM_SELECT_FAILED) {
            // jCardSim's answer to a SELECT it took for an applet selection and found no applet
            // for: the card's is 6A82 for an application SELECT, 6986 (nothing selected) else
            return sw(isApplicationSelect(command) ? SW_FILE_NOT_FOUND : SW_COMMAND_NOT_ALLOWED);
        }
        return response;
    }

    /**
     * Seeds {@code seeded} into this card (null: a correct card again), from the next command on.
     * The fault's memory starts over; the applets' state is kept.
     */
    public void setFault(Fault seeded) {
        synchronized (LOCK) {
            fault = seeded;
            card.faultState.reset();
        }
    }

    /** The selected applet object in jCardSim, or null (for tests of the faults). */
    Object selectedApplet() {
        synchronized (LOCK) {
            return card.runtime.selectedApplet();
        }
    }

    /** The seeded fault, or null. */
    public Fault fault() {
        synchronized (LOCK) {
            return fault;
        }
    }

    /**
     * Power off and on: transient memory (CLEAR_ON_RESET and CLEAR_ON_DESELECT) is cleared and no
     * applet is selected; persistent state (applets, their fields and arrays) is kept. Applets get
     * no {@code deselect()} call, as on a card losing power.
     */
    public void powerCycle() {
        synchronized (LOCK) {
            card.simulator.reset();
            card.faultState.selected = null;
        }
    }

    /** The answer to reset. */
    public byte[] atr() {
        synchronized (LOCK) {
            return card.simulator.getATR().clone();
        }
    }

    // ---------------------------------------------------------------- helpers

    @SuppressWarnings("unchecked")
    private static Class<? extends Applet> appletClass(String className) {
        if (className == null || className.isEmpty()) {
            throw new IllegalArgumentException("applet class name is missing");
        }
        Class<?> cls;
        try {
            cls = Class.forName(className, false, CardHost.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("unknown applet class " + className
                    + " (not on the classpath)");
        } catch (LinkageError e) {
            throw new IllegalArgumentException("applet class " + className + " cannot be loaded: " + e);
        }
        if (!Applet.class.isAssignableFrom(cls)) {
            throw new IllegalArgumentException(className + " is not a javacard.framework.Applet");
        }
        try {
            Method install = cls.getMethod("install", byte[].class, short.class, byte.class);
            if (!Modifier.isStatic(install.getModifiers())) {
                throw new NoSuchMethodException();
            }
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException(className
                    + " has no public static install(byte[], short, byte)");
        }
        return (Class<? extends Applet>) cls;
    }

    private static String describe(RuntimeException e) {
        if (e instanceof CardRuntimeException) {
            return e.getClass().getSimpleName() + " reason " + ((CardRuntimeException) e).getReason();
        }
        String message = e.getMessage();
        return message == null ? e.getClass().getName() : e.getClass().getSimpleName() + ": " + message;
    }

    /**
     * Whether {@code apdu} is a short or extended ISO 7816-4 command APDU whose length matches its
     * Lc/Le fields (the cases jCardSim accepts; it throws on anything else).
     */
    /** A well-formed APDU with an extended Lc or Le (00 then two length bytes). */
    static boolean isExtended(byte[] apdu) {
        return apdu.length >= 7 && apdu[4] == 0;
    }

    static boolean isWellFormed(byte[] apdu) {
        int n = apdu.length;
        if (n < 4) {
            return false;
        }
        if (n <= 5) {
            return true; // case 1, case 2 short
        }
        if (n > MAX_APDU) {
            return false; // more than jCardSim's APDU buffer holds (it would fail with 6F00)
        }
        int b4 = apdu[4] & 0xFF;
        if (b4 != 0) { // short Lc
            return n == 5 + b4 || n == 6 + b4; // case 3, case 4
        }
        if (n < 7) {
            return false; // 00 then fewer than two length bytes
        }
        if (n == 7) {
            return true; // case 2 extended
        }
        int lc = ((apdu[5] & 0xFF) << 8) | (apdu[6] & 0xFF);
        return n == 7 + lc || n == 9 + lc; // case 3, case 4 extended
    }

    /**
     * Whether a well-formed APDU has the one header the runtime takes as an applet SELECT: CLA 00
     * (basic channel, no secure messaging), SELECT by DF name (P1 04), first or only occurrence
     * with FCI (P2 00). Whether its data names an applet is the runtime's question
     * ({@link SelectionRuntime#appletNamedBy}).
     */
    static boolean isApplicationSelect(byte[] apdu) {
        return apdu[0] == 0 && apdu[1] == (byte) 0xA4 && apdu[2] == 0x04 && apdu[3] == 0;
    }

    /**
     * The logical channel a CLA names (Java Card encoding): b2-b1 for CLA 00-3F and 80-BF, 4 + b4-b1
     * for 40-7F and C0-FE. CLA FF is invalid (ISO 7816-4) and names none: 0, so the applet refuses it.
     */
    static int logicalChannel(byte cla) {
        int c = cla & 0xFF;
        if (c == 0xFF) {
            return 0;
        }
        return (c & 0x40) != 0 ? 4 + (c & 0x0F) : c & 0x03;
    }

    private static int statusWord(byte[] response) {
        int n = response.length;
        return ((response[n - 2] & 0xFF) << 8) | (response[n - 1] & 0xFF);
    }

    static byte[] sw(int sw) {
        return new byte[] {(byte) (sw >> 8), (byte) sw};
    }
}
