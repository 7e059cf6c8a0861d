package sscard.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import sscard.pboc.FinanceApplet;
import sscard.ssse.SocialSecurityApplet;

/**
 * An applet to install: fully-qualified class name, instance AID (hex) and applet-specific install
 * data (hex, the GlobalPlatform {@code La} part; empty for none).
 *
 * <p>Written {@code CLASS:AIDHEX[:DATAHEX]} on command lines and in {@link GatewayEntryPoint#freshCard},
 * e.g. {@code sscard.sim.probe.ProbeApplet:F0000000010101:CAFE01}. A Java class name holds no
 * colon, so the first colon ends the class name.
 *
 * @param dataHex install data as upper-case hex, {@code ""} for none (never null)
 */
public record AppletSpec(String className, String aidHex, String dataHex) {

    /** What the gateway and the vpcd card install when no {@code --applet} is given. */
    static final List<AppletSpec> DEFAULTS = List.of(
            new AppletSpec(SocialSecurityApplet.class.getName(), "7378312E73682EC9E7BBE1B1A3D5CF"),
            new AppletSpec(FinanceApplet.class.getName(), "A000000333010101"));

    static final String FORMAT = "CLASS:AIDHEX[:DATAHEX]";

    /**
     * @throws IllegalArgumentException when {@code dataHex} is not hex (empty or null is none)
     */
    public AppletSpec {
        if (dataHex == null || dataHex.isEmpty()) {
            dataHex = "";
        } else {
            Hex.decode(dataHex, "install data"); // checked here; stored normalised
            dataHex = dataHex.toUpperCase(Locale.ROOT);
        }
    }

    /** An applet with no install data. */
    public AppletSpec(String className, String aidHex) {
        this(className, aidHex, "");
    }

    /** A copy of the install data bytes (empty for none). */
    public byte[] installData() {
        return dataHex.isEmpty() ? new byte[0] : Hex.decode(dataHex, "install data");
    }

    /**
     * Parses {@code CLASS:AIDHEX[:DATAHEX]}. The shape and the install data's hex are checked here;
     * {@link CardHost#install} checks class, AID and install data length.
     *
     * @param context names the source in messages, e.g. {@code --applet}
     * @throws IllegalArgumentException with a one-line message starting with {@code context}
     */
    static AppletSpec parse(String text, String context) {
        String[] parts = text.split(":", -1);
        if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new IllegalArgumentException(context + " needs " + FORMAT + ", got '" + text + "'");
        }
        try {
            return new AppletSpec(parts[0], parts[1], parts.length == 3 ? parts[2] : "");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(context + " '" + text + "': " + e.getMessage());
        }
    }

    /** Parses {@code --applet} values. */
    static AppletSpec parse(String text) {
        return parse(text, "--applet");
    }

    /**
     * Parses a whitespace-separated list of {@code CLASS:AIDHEX[:DATAHEX]}; blank text is an empty
     * list.
     */
    static List<AppletSpec> parseList(String text, String context) {
        List<AppletSpec> specs = new ArrayList<>();
        if (text == null) {
            return specs;
        }
        for (String item : text.trim().split("\\s+")) {
            if (!item.isEmpty()) {
                specs.add(parse(item, context));
            }
        }
        return specs;
    }

    static List<AppletSpec> orDefaults(List<AppletSpec> given) {
        return given.isEmpty() ? DEFAULTS : given;
    }

    void installOn(CardHost card) {
        card.install(this);
    }

    /** {@code CLASS:AIDHEX[:DATAHEX]}, as parsed. */
    @Override
    public String toString() {
        return className + ":" + aidHex + (dataHex.isEmpty() ? "" : ":" + dataHex);
    }
}
