/**
 * The financial application (PBOC debit/credit): {@link sscard.pboc.FinanceApplet}.
 *
 * <ul>
 *   <li>Package AID {@code A000000333FF01}: RID {@code A000000333} (China UnionPay) + PIX
 *       {@code FF01}.</li>
 *   <li>Applet AID {@code A000000333010101}: PBOC debit; same RID as the package, as the
 *       converter requires.</li>
 * </ul>
 *
 * <p>The protocol spec ({@code apdu_spec/}) owns the AIDs, commands, files, keys and access rules
 * and generates them into the constants interface; the applet wires those tables into the shared
 * engine of {@code sscard.common}.
 */
package sscard.pboc;
