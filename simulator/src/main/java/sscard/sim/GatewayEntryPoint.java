package sscard.sim;

import java.util.Arrays;

/**
 * The object Python sees as {@code gateway.entry_point}. Byte strings cross py4j as
 * {@code bytes} &lt;-&gt; {@code byte[]}; Java exceptions arrive as {@code Py4JJavaError}.
 */
public final class GatewayEntryPoint {

    /** Upper bound for {@link #medianTransmitNanos}: keeps a typo from hanging the gateway. */
    static final int MAX_TIMED_TRANSMITS = 1_000_000;

    private final CardHost card;
    private final Runnable onShutdown;

    GatewayEntryPoint(CardHost card, Runnable onShutdown) {
        this.card = card;
        this.onShutdown = onShutdown;
    }

    /** One command APDU in, the response APDU (data + SW1 SW2) out. See {@link CardHost#transmit}. */
    public byte[] transmit(byte[] apdu) {
        return card.transmit(apdu);
    }

    /** Power off and on. See {@link CardHost#powerCycle}. */
    public void powerCycle() {
        card.powerCycle();
    }

    public byte[] atr() {
        return card.atr();
    }

    /** Installs another applet on the current card. See {@link CardHost#install(String, String)}. */
    public void install(String className, String aidHex) {
        card.install(className, aidHex);
    }

    /** Installs another applet with install data. See {@link CardHost#install(String, String, byte[])}. */
    public void install(String className, String aidHex, byte[] appletData) {
        card.install(className, aidHex, appletData);
    }

    /**
     * Replaces the card by a brand-new one without restarting the JVM: nothing selected, every
     * applet's state new. See {@link CardHost#freshCard}.
     *
     * @param specs whitespace-separated {@code CLASS:AIDHEX[:DATAHEX]}, installed in order; empty
     *     or blank: the same applets, at the same AIDs with the same install data, as the current card
     * @throws IllegalArgumentException for a malformed spec or an install that fails; the current
     *     card is then kept as it was
     */
    public void freshCard(String specs) {
        card.freshCard(AppletSpec.parseList(specs, "freshCard applet"));
    }

    /**
     * Seeds a fault into the card from the next command on ({@link Fault}); empty: a correct card.
     *
     * @throws IllegalArgumentException for an unknown name (the message lists the names)
     */
    public void setFault(String name) {
        card.setFault(name == null || name.isEmpty() ? null : Fault.named(name));
    }

    /** The seeded fault's name, empty for a correct card. */
    public String fault() {
        Fault seeded = card.fault();
        return seeded == null ? "" : seeded.label();
    }

    /** Every fault the simulator can seed, one a line: {@code name TAB clause,clause TAB description}. */
    public String faults() {
        return Fault.table();
    }

    /** What the card holds: whitespace-separated {@code CLASS:AIDHEX[:DATAHEX]}, in install order. */
    public String applets() {
        StringBuilder text = new StringBuilder();
        for (AppletSpec applet : card.applets()) {
            if (text.length() > 0) {
                text.append(' ');
            }
            text.append(applet);
        }
        return text.toString();
    }

    /**
     * Sends {@code apdu} {@code n} times, timing each transmit inside the JVM with
     * {@link System#nanoTime}, and returns the median in nanoseconds: the simulator's own cost per
     * APDU, without py4j's. The commands really run (a SELECT selects, a VERIFY counts).
     */
    public long medianTransmitNanos(byte[] apdu, int n) {
        if (n < 1 || n > MAX_TIMED_TRANSMITS) {
            throw new IllegalArgumentException("n must be from 1 to " + MAX_TIMED_TRANSMITS + ", got " + n);
        }
        if (apdu == null) {
            throw new IllegalArgumentException("apdu is null");
        }
        long[] nanos = new long[n];
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            card.transmit(apdu);
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        return n % 2 == 1 ? nanos[n / 2] : (nanos[n / 2 - 1] + nanos[n / 2]) / 2;
    }

    /**
     * Stops the gateway and exits the JVM with code 0 ({@link GatewayMain}; {@link VpcdMain} also
     * closes its vpcd connection, so pcscd sees the card removed). The call returns first (so Python
     * gets its answer); the JVM exits a moment later, which the Python side sees as the connection
     * closing.
     */
    public void shutdown() {
        onShutdown.run();
    }
}
