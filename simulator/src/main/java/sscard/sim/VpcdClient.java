package sscard.sim;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Arrays;

/**
 * The card side of vsmartcard's vpcd protocol, over any pair of streams.
 *
 * <p>Every message, both ways, is a big-endian u16 length followed by that many bytes. A 1-byte
 * message from vpcd is a control code: {@code 0} power off, {@code 1} power on, {@code 2} reset
 * (no reply to these three), {@code 4} get ATR (reply: the ATR). A longer message is a command
 * APDU; the reply is the response APDU. Empty messages and unknown control codes are ignored, as
 * vsmartcard's own virtual card does.
 *
 * <p>Power: power off drops the card's transient state at once ({@link CardHost#powerCycle});
 * power on starts from that state, so off-then-on is exactly one power cycle and persistent state
 * survives. A power on of a card that is already powered, and a reset, are a power cycle too.
 * pcscd sends no APDUs to an unpowered card; if one came it would be answered.
 *
 * <p>Every operation goes through the {@link CardHost}, which serves each one from the card
 * current at that moment under its lock; so a {@link CardHost#freshCard} from another thread (the
 * control gateway) takes effect between two messages, never within one. pcscd sees no change (the
 * ATR it polls stays the same: the same card, still inserted) and the next APDU finds a new card
 * with nothing selected, as after a power-up. This client's power flag is left as it was.
 *
 * <p>Each reply goes out in a single {@code write} (length and payload in one buffer): vpcd and
 * the kernel then see one segment, with no Nagle/delayed-ACK stall between the two parts.
 */
final class VpcdClient {

    static final int CTRL_OFF = 0;
    static final int CTRL_ON = 1;
    static final int CTRL_RESET = 2;
    static final int CTRL_ATR = 4;

    /** Runs before every read from vpcd; the socket client re-arms TCP_QUICKACK there. */
    interface BeforeRead {
        void run() throws IOException;
    }

    private final CardHost card;
    private final InputStream in;
    private final OutputStream out;
    private final BeforeRead beforeRead;
    private final PrintStream log;
    private final byte[] header = new byte[2];
    private final byte[] payload = new byte[0xFFFF];
    private final boolean[] reportedControlCodes = new boolean[256];
    private boolean powered;

    VpcdClient(CardHost card, InputStream in, OutputStream out, BeforeRead beforeRead, PrintStream log) {
        this.card = card;
        this.in = in;
        this.out = out;
        this.beforeRead = beforeRead;
        this.log = log;
    }

    /**
     * Serves vpcd until it closes the connection.
     *
     * @return normally when vpcd closed the connection (also in the middle of a message)
     * @throws IOException when reading or writing fails otherwise (a reset connection, for one)
     */
    void serve() throws IOException {
        while (true) {
            if (!readFully(header, 2)) {
                return;
            }
            int length = ((header[0] & 0xFF) << 8) | (header[1] & 0xFF);
            if (!readFully(payload, length)) {
                return;
            }
            handle(length);
        }
    }

    private void handle(int length) throws IOException {
        if (length == 0) {
            return;
        }
        if (length > 1) {
            reply(card.transmit(Arrays.copyOf(payload, length)));
            return;
        }
        int code = payload[0] & 0xFF;
        switch (code) {
            case CTRL_OFF:
                card.powerCycle();
                powered = false;
                break;
            case CTRL_ON:
                if (powered) {
                    card.powerCycle();
                }
                powered = true;
                break;
            case CTRL_RESET:
                card.powerCycle();
                powered = true;
                break;
            case CTRL_ATR:
                reply(card.atr());
                break;
            default:
                if (!reportedControlCodes[code]) {
                    reportedControlCodes[code] = true;
                    log.println("warning: ignoring unknown vpcd control code " + code);
                }
        }
    }

    /** Length and payload in one buffer, one write. */
    private void reply(byte[] message) throws IOException {
        byte[] frame = new byte[2 + message.length];
        frame[0] = (byte) (message.length >> 8);
        frame[1] = (byte) message.length;
        System.arraycopy(message, 0, frame, 2, message.length);
        out.write(frame);
        out.flush();
    }

    /** Reads exactly {@code length} bytes; false when the stream ends first. */
    private boolean readFully(byte[] buffer, int length) throws IOException {
        int done = 0;
        while (done < length) {
            beforeRead.run();
            int n = in.read(buffer, done, length - done);
            if (n < 0) {
                return false;
            }
            done += n;
        }
        return true;
    }
}
