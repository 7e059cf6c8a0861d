package sscard.sim;

import java.util.HexFormat;

/** Strict hex for AIDs and APDUs on command lines and in messages. */
final class Hex {

    private static final HexFormat UPPER = HexFormat.of().withUpperCase();

    private Hex() {
    }

    /**
     * Decodes hex digits (either case, nothing else: no spaces, no {@code 0x}).
     *
     * @throws IllegalArgumentException naming {@code what} when {@code text} is not hex
     */
    static byte[] decode(String text, String what) {
        if (text == null) {
            throw new IllegalArgumentException(what + " is missing");
        }
        if (text.isEmpty() || text.length() % 2 != 0) {
            throw new IllegalArgumentException(what + " must be an even number of hex digits, got '"
                    + text + "'");
        }
        for (int i = 0; i < text.length(); i++) {
            if (Character.digit(text.charAt(i), 16) < 0) {
                throw new IllegalArgumentException(what + " must be hex digits only, got '" + text + "'");
            }
        }
        return HexFormat.of().parseHex(text);
    }

    static String encode(byte[] bytes) {
        return UPPER.formatHex(bytes);
    }
}
