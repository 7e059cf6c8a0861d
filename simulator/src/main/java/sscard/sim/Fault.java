package sscard.sim;

import java.lang.reflect.Field;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import sscard.common.CommonConstants;

/**
 * Seeded faults of a simulated card: each one a named misbehaviour that {@link CardHost} puts
 * between the reader and the (correct) applets, so that a conformance run can be shown to catch it.
 * The applets themselves stay fault-free: what goes into the CAP files is never touched.
 *
 * <p>Each fault names the spec clauses it breaks ({@link #clauses}); this list is the one source
 * of them, which the Python side reads through the gateway ({@link GatewayEntryPoint#faults}).
 */
public enum Fault {

    WRONG_LE_ANSWERS_6700("wrong_le_answers_6700",
            "a wrong Le answers 6700 instead of 6CXX", "SSC-APDU-3") {
        @Override
        byte[] apply(byte[] command, State state, UnaryOperator<byte[]> card) {
            byte[] response = card.apply(command);
            return (sw(response) & 0xFF00) == 0x6C00 ? CardHost.sw(0x6700) : response;
        }
    },

    LOGICAL_CHANNELS_IGNORED("logical_channels_ignored",
            "a CLA naming logical channel 1-19 runs on the basic channel instead of answering 6881",
            "SSC-APP-6") {
        @Override
        byte[] apply(byte[] command, State state, UnaryOperator<byte[]> card) {
            if (CardHost.logicalChannel(command[0]) == 0) {
                return card.apply(command);
            }
            byte[] basic = command.clone();
            int cla = basic[0] & 0xFF;
            // drop the channel bits, keep the class (proprietary or not); secure messaging is lost
            basic[0] = (byte) ((cla & 0x40) != 0 ? cla & 0x80 : cla & 0xFC);
            return card.apply(basic);
        }

        @Override
        boolean handlesChannels() {
            return true;
        }
    },

    RECORD_MISSING_ANSWERS_6A82("record_missing_answers_6A82",
            "READ RECORD of a record the file does not have answers 6A82 instead of 6A83", "SSC-FILE-2") {
        @Override
        byte[] apply(byte[] command, State state, UnaryOperator<byte[]> card) {
            byte[] response = card.apply(command);
            return command[1] == (byte) 0xB2 && sw(response) == 0x6A83 ? CardHost.sw(0x6A82) : response;
        }
    },

    UPDATE_RECORD_WITHOUT_MAC_ACCEPTED("update_record_without_mac_accepted",
            "after personalisation a clear-text UPDATE RECORD answers 9000 (the write is not made) instead"
            + " of 6985", "SSC-ACC-4", "SSC-FILE-3") {
        @Override
        byte[] apply(byte[] command, State state, UnaryOperator<byte[]> card) {
            byte[] response = card.apply(command);
            boolean clearUpdate = command[0] == 0 && command[1] == (byte) 0xDC;
            return clearUpdate && sw(response) == 0x6985 ? CardHost.sw(0x9000) : response;
        }
    },

    PIN_COUNTER_NOT_DECREMENTED("pin_counter_not_decremented",
            "a wrong PIN spends no try: the applet's try counter is put back after VERIFY, which answers"
            + " 63CX with the unspent tries", "SSC-PIN-2") {
        @Override
        byte[] apply(byte[] command, State state, UnaryOperator<byte[]> card) {
            Object applet = state.selectedApplet.get();
            boolean verifyWithPin = command[1] == 0x20 && command.length > 5;
            if (!verifyWithPin || applet == null) {
                return card.apply(command);
            }
            byte before = (byte) read(applet, PIN_TRIES);
            byte[] response = card.apply(command);
            if ((sw(response) & 0xFFF0) == 0x63C0) {
                write(applet, PIN_TRIES, before);
                return CardHost.sw(0x63C0 | before);
            }
            return response;
        }
    },

    CHALLENGE_OF_ANY_LENGTH("challenge_of_any_length",
            "GET CHALLENGE answers any Le with random bytes instead of 6700 for a length the card does not"
            + " offer", "SSC-SM-1") {
        @Override
        byte[] apply(byte[] command, State state, UnaryOperator<byte[]> card) {
            byte[] response = card.apply(command);
            boolean challenge = command[0] == 0 && command[1] == (byte) 0x84 && command.length == 5;
            if (challenge && sw(response) == 0x6700) {
                int n = (command[4] & 0xFF) == 0 ? 256 : command[4] & 0xFF;
                byte[] answer = new byte[n + 2];
                RANDOM.nextBytes(answer);
                answer[n] = (byte) 0x90;
                answer[n + 1] = 0;
                return answer;
            }
            return response;
        }
    },

    BANK_APPLICATION_TAKES_ANY_MAC("bank_application_takes_any_mac",
            "the financial application takes APPLICATION BLOCK with a wrong MAC: it blocks (the applet's"
            + " lifecycle is set) and answers 9000 instead of 6988", "SSC-KEY-2") {
        @Override
        byte[] apply(byte[] command, State state, UnaryOperator<byte[]> card) {
            Object applet = state.selectedApplet.get();
            byte[] response = card.apply(command);
            boolean block = command[0] == (byte) 0x84 && command[1] == 0x1E;
            if (block && applet != null && PBOC_AID.equals(state.selected) && sw(response) == 0x6988
                    && (byte) read(applet, LIFECYCLE) == CommonConstants.LC_BIT_ACTIVE) {
                write(applet, LIFECYCLE, CommonConstants.LC_BIT_BLOCKED);
                return CardHost.sw(0x9000);
            }
            return response;
        }
    },

    BLOCK_OF_A_BLOCKED_APPLICATION_REFUSED("block_of_a_blocked_application_refused",
            "APPLICATION BLOCK of an application already BLOCKED answers 6985 instead of 9000", "SSC-LC-5") {
        @Override
        byte[] apply(byte[] command, State state, UnaryOperator<byte[]> card) {
            String app = state.selected;
            boolean already = app != null && state.blocked.contains(app);
            byte[] response = card.apply(command);
            if (command[0] != (byte) 0x84 || sw(response) != 0x9000 || app == null) {
                return response;
            }
            if (command[1] == 0x1E) {
                state.blocked.add(app);
                return already ? CardHost.sw(0x6985) : response;
            }
            if (command[1] == 0x18) {
                state.blocked.remove(app);
            }
            return response;
        }
    },

    ATC_NEVER_MOVES("atc_never_moves",
            "the application transaction counter never moves: the applet's ATC is put back after every"
            + " command", "SSC-FIN-3") {
        @Override
        byte[] apply(byte[] command, State state, UnaryOperator<byte[]> card) {
            Object applet = state.selectedApplet.get();
            if (applet == null) {
                return card.apply(command);
            }
            short before = (short) read(applet, ATC);
            byte[] response = card.apply(command);
            write(applet, ATC, before);
            return response;
        }
    },

    PUT_KEY_IGNORES_CHECK_VALUE("put_key_ignores_check_value",
            "PUT KEY with a wrong key check value answers 9000 (the key is not stored) instead of 6A80",
            "SSC-PERSO-3") {
        @Override
        byte[] apply(byte[] command, State state, UnaryOperator<byte[]> card) {
            byte[] response = card.apply(command);
            boolean putKey = command[0] == (byte) 0x80 && command[1] == (byte) 0xD8;
            return putKey && sw(response) == 0x6A80 ? CardHost.sw(0x9000) : response;
        }
    };

    /** The financial application's AID, as {@link State#selected} holds it. */
    static final String PBOC_AID = "A000000333010101";

    private static final SecureRandom RANDOM = new SecureRandom();

    /** The applets' fields the internal-state faults change: both applets hold an {@code Engine}. */
    static final String[] PIN_TRIES = {"engine", "pin", "tries"};
    static final String[] ATC = {"engine", "atc"};
    static final String[] LIFECYCLE = {"engine", "lifecycle"};


    /** The value of the field at {@code path} (field names, from the applet down), by reflection. */
    static Object read(Object applet, String[] path) {
        try {
            Object owner = applet;
            for (int i = 0; i < path.length - 1; i++) {
                owner = field(owner, path[i]).get(owner);
            }
            return field(owner, path[path.length - 1]).get(owner);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the applet has no " + String.join(".", path) + ": " + e, e);
        }
    }

    static void write(Object applet, String[] path, Object value) {
        try {
            Object owner = applet;
            for (int i = 0; i < path.length - 1; i++) {
                owner = field(owner, path[i]).get(owner);
            }
            field(owner, path[path.length - 1]).set(owner, value);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the applet has no " + String.join(".", path) + ": " + e, e);
        }
    }

    private static Field field(Object owner, String name) throws NoSuchFieldException {
        for (Class<?> c = owner.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return f;
            } catch (NoSuchFieldException e) {
                // look in the superclass
            }
        }
        throw new NoSuchFieldException(owner.getClass().getName() + "." + name);
    }

    /** What a fault remembers of the card: reset with a fresh card; {@link #selected} also at power-up. */
    static final class State {
        /** The AID (upper-case hex) of the applet selected last, null when none is. */
        String selected;
        /** Applications (AIDs) seen blocked by an APPLICATION BLOCK and not unblocked since. */
        final Set<String> blocked = new HashSet<>();
        /** The applet selected now (the object in jCardSim), or null. */
        final Supplier<Object> selectedApplet;

        State(Supplier<Object> selectedApplet) {
            this.selectedApplet = selectedApplet;
        }

        void reset() {
            selected = null;
            blocked.clear();
        }
    }

    private final String label;
    private final String description;
    private final List<String> clauses;

    Fault(String label, String description, String... clauses) {
        this.label = label;
        this.description = description;
        this.clauses = List.of(clauses);
    }

    /** The fault's name on the command line and in the gateway. */
    public String label() {
        return label;
    }

    public String description() {
        return description;
    }

    /** The clause ids a conformance run on a card with this fault fails (and no others). */
    public List<String> clauses() {
        return clauses;
    }

    /**
     * Runs one well-formed command through the fault.
     *
     * @param card sends a command to the applets and returns their response
     */
    abstract byte[] apply(byte[] command, State state, UnaryOperator<byte[]> card);

    /** Whether the fault takes commands on logical channels other than the basic one itself. */
    boolean handlesChannels() {
        return false;
    }

    /** The fault named {@code label}. */
    public static Fault named(String label) {
        for (Fault fault : values()) {
            if (fault.label.equals(label)) {
                return fault;
            }
        }
        throw new IllegalArgumentException("unknown fault '" + label + "'; the faults are: "
                + String.join(", ", labels()));
    }

    public static List<String> labels() {
        List<String> labels = new ArrayList<>();
        for (Fault fault : values()) {
            labels.add(fault.label);
        }
        return labels;
    }

    /** One line per fault: {@code name TAB clause,clause TAB description}. */
    public static String table() {
        StringBuilder text = new StringBuilder();
        for (Fault fault : values()) {
            text.append(fault.label).append('\t').append(String.join(",", fault.clauses)).append('\t')
                    .append(fault.description).append('\n');
        }
        return text.toString();
    }

    static int sw(byte[] response) {
        int n = response.length;
        return ((response[n - 2] & 0xFF) << 8) | (response[n - 1] & 0xFF);
    }
}
