/**
 * Code both applications need: an applet-less Java Card library package.
 *
 * <p>Package AID {@code F05353434401}: RID {@code F053534344} (proprietary, not registered: an
 * {@code F} RID is free for local use) + PIX {@code 01}. The converter needs every package to
 * have its own AID; this one holds no applets, so its RID need not match any applet's.
 *
 * <p>One engine runs both applications from their generated tables ({@code <App>Constants}, from
 * {@code apdu_spec/}); the applet classes only wire their tables in. Split by kind of state:
 * <ul>
 *   <li>{@link sscard.common.CommonConstants}: generated constants (status words, table layouts);</li>
 *   <li>{@link sscard.common.Engine}: the dispatcher (the spec's check order, step by step, from the
 *       COMMANDS table) and the command actions; persistent lifecycle, access profile, ATC;</li>
 *   <li>{@link sscard.common.Transients}: session state in one CLEAR_ON_RESET array with named slots
 *       (PIN verified, authenticated keys, current DF and EF, challenge, scratch);</li>
 *   <li>{@link sscard.common.FileSystem}: DFs, linear-fixed EFs and their records (persistent);</li>
 *   <li>{@link sscard.common.PinGuard} and {@link sscard.common.PinFormat}: the PIN retry machine
 *       and the PIN encodings;</li>
 *   <li>{@link sscard.common.KeyStore}: the KEYS table, the key try counters and the external
 *       authentication retry machine;</li>
 *   <li>{@link sscard.common.SecureMessaging}: the keys in the card's algorithm (3DES {@code DESKey}s
 *       or SM4 key slots, fixed at installation), MAC, enciphered data, ECB, random, all engines
 *       allocated at installation;</li>
 *   <li>{@link sscard.common.Sm4}, {@link sscard.common.BlockCipher16}, {@link sscard.common.Cbc16}:
 *       SM4 (GB/T 32907) in Java Card code behind the interface a chip's native SM4 can take over, and
 *       its CBC-MAC;</li>
 *   <li>{@link sscard.common.CardTermination}: the {@code Shareable} interface through which CARD
 *       BLOCK ends the card's other application across the firewall;</li>
 *   <li>{@link sscard.common.InstallParams}, {@link sscard.common.Tables},
 *       {@link sscard.common.Bytes}: install parameters, table references, byte helpers.</li>
 * </ul>
 */
package sscard.common;
