package sscard.sim;

import java.util.List;
import sscard.pboc.FinanceApplet;
import sscard.ssse.SocialSecurityApplet;

/** An applet to install: fully-qualified class name and instance AID (hex). */
record AppletSpec(String className, String aidHex) {

    /** What the gateway and the vpcd card install when no {@code --applet} is given. */
    static final List<AppletSpec> DEFAULTS = List.of(
            new AppletSpec(SocialSecurityApplet.class.getName(), "7378312E73682EC9E7BBE1B1A3D5CF"),
            new AppletSpec(FinanceApplet.class.getName(), "A000000333010101"));

    /**
     * Parses {@code CLASS:AIDHEX}, e.g. {@code sscard.ssse.SocialSecurityApplet:7378312E73682EC9E7BBE1B1A3D5CF}.
     * Only the shape is checked here; {@link CardHost#install} checks class and AID.
     */
    static AppletSpec parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("--applet needs CLASS:AIDHEX, got '" + text + "'");
        }
        return new AppletSpec(text.substring(0, colon), text.substring(colon + 1));
    }

    static List<AppletSpec> orDefaults(List<AppletSpec> given) {
        return given.isEmpty() ? DEFAULTS : given;
    }

    void installOn(CardHost card) {
        card.install(className, aidHex);
    }
}
