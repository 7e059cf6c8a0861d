/**
 * The social security application (SSSE): {@link sscard.ssse.SocialSecurityApplet}.
 *
 * <ul>
 *   <li>Package AID {@code 7378312E730001}: RID {@code 7378312E73} + PIX {@code 0001}.</li>
 *   <li>Applet AID {@code 7378312E73682EC9E7BBE1B1A3D5CF}: ASCII {@code "sx1.sh."} followed by
 *       {@code 社会保障} in GBK. Its first five bytes are the package RID, as the converter
 *       requires ("Applet RIDs must be equal to their package RID").</li>
 * </ul>
 *
 * <p>The protocol spec ({@code apdu_spec/}) owns the AIDs, commands, files, keys and access rules
 * and generates them into the constants interface; the applet wires those tables into the shared
 * engine of {@code sscard.common}.
 */
package sscard.ssse;
