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
 * <p>The AIDs here are recorded for the reader; the protocol spec ({@code apdu_spec/}) will own
 * them and generate them into {@code *Constants.java}.
 */
package sscard.pboc;
