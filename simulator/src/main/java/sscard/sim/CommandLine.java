package sscard.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A small parser for {@code --name value} / {@code --name=value} options, all of which take a
 * value, plus {@code -h}/{@code --help}. No positional arguments.
 */
final class CommandLine {

    /** Bad usage: the message is the one-line error to print (after "error: "). */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    private final Map<String, List<String>> values = new LinkedHashMap<>();
    private final boolean help;

    private CommandLine(Map<String, List<String>> values, boolean help) {
        this.values.putAll(values);
        this.help = help;
    }

    static CommandLine parse(String[] args, Set<String> options) throws UsageException {
        Map<String, List<String>> values = new LinkedHashMap<>();
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("-h") || arg.equals("--help")) {
                help = true;
                continue;
            }
            if (!arg.startsWith("--")) {
                throw new UsageException("unexpected argument '" + arg + "'");
            }
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            if (!options.contains(name)) {
                throw new UsageException("unknown option " + name);
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new UsageException("option " + name + " needs a value");
                }
                value = args[++i];
            }
            values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return new CommandLine(values, help);
    }

    boolean help() {
        return help;
    }

    List<String> all(String name) {
        return values.getOrDefault(name, List.of());
    }

    /** The value of a non-repeatable option, or {@code fallback}. */
    String single(String name, String fallback) throws UsageException {
        List<String> given = all(name);
        if (given.size() > 1) {
            throw new UsageException("option " + name + " given more than once");
        }
        return given.isEmpty() ? fallback : given.get(0);
    }

    int integer(String name, int fallback, int min, int max) throws UsageException {
        String text = single(name, null);
        if (text == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(name + " must be an integer from " + min + " to " + max
                + ", got '" + text + "'");
    }

    /** The {@code --applet CLASS:AIDHEX[:DATAHEX]} values, or the default applets when none is given. */
    List<AppletSpec> applets() throws UsageException {
        List<AppletSpec> specs = new ArrayList<>();
        for (String text : all("--applet")) {
            try {
                specs.add(AppletSpec.parse(text));
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
        }
        return AppletSpec.orDefaults(specs);
    }

    /** The {@code --fault NAME} value: the seeded fault, or null for a correct card. */
    Fault fault() throws UsageException {
        String name = single("--fault", null);
        if (name == null) {
            return null;
        }
        try {
            return Fault.named(name);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
