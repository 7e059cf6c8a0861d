"""Protocol tables of the card, generated from apdu_spec/*.toml by `python -m apdu_spec.generate`; do not edit."""

from __future__ import annotations

import enum
from typing import Final, NamedTuple

from sscard_core.layout import Item, Record


class SW(enum.IntEnum):
    """Status words; parametrised ones (X nibbles) hold their base value, see SW_MASKS."""

    OK = 0x9000
    """9000: Normal processing"""
    BYTES_REMAINING = 0x6100
    """61XX: Response bytes still available"""
    WRONG_LE = 0x6C00
    """6CXX: Wrong Le field; XX gives the exact length"""
    VERIFY_FAILED = 0x63C0
    """63CX: Verification failed, X tries left"""
    WRONG_LENGTH = 0x6700
    """6700: Wrong length (Lc, Le or a malformed APDU)"""
    LOGICAL_CHANNEL_NOT_SUPPORTED = 0x6881
    """6881: Logical channel not supported (Java Card runtime)"""
    INCOMPATIBLE_FILE = 0x6981
    """6981: Command incompatible with file structure"""
    SECURITY_NOT_SATISFIED = 0x6982
    """6982: Security status not satisfied"""
    AUTH_BLOCKED = 0x6983
    """6983: Authentication method blocked (PIN or key tries exhausted)"""
    REF_DATA_NOT_USABLE = 0x6984
    """6984: Reference data not usable: no challenge, or the challenge was already used"""
    CONDITIONS_NOT_SATISFIED = 0x6985
    """6985: Conditions of use not satisfied (command not allowed in this lifecycle state)"""
    COMMAND_NOT_ALLOWED = 0x6986
    """6986: Command not allowed: no current EF, or no application selected"""
    SM_INCORRECT = 0x6988
    """6988: Secure messaging data object incorrect (wrong MAC)"""
    SELECT_FAILED = 0x6999
    """6999: Applet selection failed (Java Card runtime)"""
    WRONG_DATA = 0x6A80
    """6A80: Incorrect parameters in the data field"""
    FUNC_NOT_SUPPORTED = 0x6A81
    """6A81: Function not supported: the application is terminated (card blocked)"""
    FILE_NOT_FOUND = 0x6A82
    """6A82: File or application not found"""
    RECORD_NOT_FOUND = 0x6A83
    """6A83: Record not found"""
    INCORRECT_P1P2 = 0x6A86
    """6A86: Incorrect parameters P1-P2"""
    REF_DATA_NOT_FOUND = 0x6A88
    """6A88: Referenced data not found (key or data object)"""
    WRONG_P1P2 = 0x6B00
    """6B00: Wrong parameters P1-P2"""
    INS_NOT_SUPPORTED = 0x6D00
    """6D00: Instruction code not supported"""
    CLA_NOT_SUPPORTED = 0x6E00
    """6E00: Class not supported"""
    UNCAUGHT_ERROR = 0x6F00
    """6F00: No precise diagnosis (uncaught error)"""
    MAC_INVALID_PBOC = 0x9302
    """9302: MAC invalid (PBOC electronic purse)"""
    APP_PERMANENTLY_BLOCKED = 0x9303
    """9303: Application permanently blocked (PBOC electronic purse)"""


SW_MASKS: Final[dict[SW, int]] = {
    SW.BYTES_REMAINING: 0xFF00,
    SW.WRONG_LE: 0xFF00,
    SW.VERIFY_FAILED: 0xFFF0,
}
"""Fixed bits of the parametrised status words: sw & mask == base."""

SW_TEXT: Final[dict[SW, tuple[str, str]]] = {
    SW.OK: ('Normal processing', '命令执行成功'),
    SW.BYTES_REMAINING: ('Response bytes still available', '还有 XX 字节响应数据可取'),
    SW.WRONG_LE: ('Wrong Le field; XX gives the exact length', 'Le 错误，XX 为实际长度'),
    SW.VERIFY_FAILED: ('Verification failed, X tries left', '校验失败，还剩 X 次尝试机会'),
    SW.WRONG_LENGTH: ('Wrong length (Lc, Le or a malformed APDU)', '长度错误'),
    SW.LOGICAL_CHANNEL_NOT_SUPPORTED: ('Logical channel not supported (Java Card runtime)', '不支持该逻辑通道'),
    SW.INCOMPATIBLE_FILE: ('Command incompatible with file structure', '命令与文件结构不相容'),
    SW.SECURITY_NOT_SATISFIED: ('Security status not satisfied', '安全状态不满足'),
    SW.AUTH_BLOCKED: ('Authentication method blocked (PIN or key tries exhausted)', '认证方法锁定（密码或密钥已锁）'),
    SW.REF_DATA_NOT_USABLE: ('Reference data not usable: no challenge, or the challenge was already used', '引用数据无效（无随机数或随机数已用过）'),
    SW.CONDITIONS_NOT_SATISFIED: ('Conditions of use not satisfied (command not allowed in this lifecycle state)', '使用条件不满足（应用未激活、已锁定或状态不允许）'),
    SW.COMMAND_NOT_ALLOWED: ('Command not allowed: no current EF, or no application selected', '不允许的命令（无当前文件或未选择应用）'),
    SW.SM_INCORRECT: ('Secure messaging data object incorrect (wrong MAC)', '安全报文数据项不正确（MAC 错误）'),
    SW.SELECT_FAILED: ('Applet selection failed (Java Card runtime)', '应用选择失败'),
    SW.WRONG_DATA: ('Incorrect parameters in the data field', '数据域参数不正确'),
    SW.FUNC_NOT_SUPPORTED: ('Function not supported: the application is terminated (card blocked)', '功能不支持（应用已永久锁定）'),
    SW.FILE_NOT_FOUND: ('File or application not found', '文件或应用未找到'),
    SW.RECORD_NOT_FOUND: ('Record not found', '记录未找到'),
    SW.INCORRECT_P1P2: ('Incorrect parameters P1-P2', '参数 P1 P2 不正确'),
    SW.REF_DATA_NOT_FOUND: ('Referenced data not found (key or data object)', '引用数据未找到（密钥或数据对象）'),
    SW.WRONG_P1P2: ('Wrong parameters P1-P2', '参数错误'),
    SW.INS_NOT_SUPPORTED: ('Instruction code not supported', '指令码不支持'),
    SW.CLA_NOT_SUPPORTED: ('Class not supported', 'CLA 不支持'),
    SW.UNCAUGHT_ERROR: ('No precise diagnosis (uncaught error)', '无精确诊断（未捕获的错误）'),
    SW.MAC_INVALID_PBOC: ('MAC invalid (PBOC electronic purse)', 'MAC 无效'),
    SW.APP_PERMANENTLY_BLOCKED: ('Application permanently blocked (PBOC electronic purse)', '应用永久锁定'),
}
"""English and Chinese meaning of each status word."""

SW_RETURNED: Final[frozenset[SW]] = frozenset({
    SW.OK,
    SW.WRONG_LE,
    SW.VERIFY_FAILED,
    SW.WRONG_LENGTH,
    SW.LOGICAL_CHANNEL_NOT_SUPPORTED,
    SW.SECURITY_NOT_SATISFIED,
    SW.AUTH_BLOCKED,
    SW.REF_DATA_NOT_USABLE,
    SW.CONDITIONS_NOT_SATISFIED,
    SW.COMMAND_NOT_ALLOWED,
    SW.SM_INCORRECT,
    SW.WRONG_DATA,
    SW.FUNC_NOT_SUPPORTED,
    SW.FILE_NOT_FOUND,
    SW.RECORD_NOT_FOUND,
    SW.INCORRECT_P1P2,
    SW.REF_DATA_NOT_FOUND,
    SW.INS_NOT_SUPPORTED,
    SW.CLA_NOT_SUPPORTED,
})


class Lifecycle(enum.IntEnum):
    """Application lifecycle states (FCI tag 8A codes)."""

    PERSONALISATION = 0x03
    ISSUED = 0x04
    ACTIVE = 0x05
    BLOCKED = 0x06
    TERMINATED = 0x0C


class CommandDef(NamedTuple):
    name: str
    cla: int
    ins: int
    p1p2: tuple[int, ...] | None
    sm_key: str | None
    encipher_key: str | None
    states: tuple[Lifecycle, ...]
    action: str


class FileDef(NamedTuple):
    application: str
    df: str
    fid: int | None
    sfi: int
    records: tuple[Record, ...]


class KeyDef(NamedTuple):
    id: int
    name: str
    usage: tuple[str, ...]
    try_limit: int | None


class InstallField(NamedTuple):
    name: str
    length: int
    value: bytes | None


LIBRARY_PACKAGE_AID: Final = bytes.fromhex('F05353434401')
SSSE_AID: Final = bytes.fromhex('7378312E73682EC9E7BBE1B1A3D5CF')
SSSE_PACKAGE_AID: Final = bytes.fromhex('7378312E730001')
SSSE_APPLET_CLASS: Final = 'sscard.ssse.SocialSecurityApplet'
PBOC_AID: Final = bytes.fromhex('A000000333010101')
PBOC_PACKAGE_AID: Final = bytes.fromhex('A000000333FF01')
PBOC_APPLET_CLASS: Final = 'sscard.pboc.FinanceApplet'

APPLICATION_AIDS: Final[dict[str, bytes]] = {
    'SSSE': SSSE_AID,
    'PBOC': PBOC_AID,
}

APPLET_CLASSES: Final[dict[str, str]] = {
    'SSSE': SSSE_APPLET_CLASS,
    'PBOC': PBOC_APPLET_CLASS,
}

DF_AIDS: Final[dict[str, bytes]] = {
    'DF01': bytes.fromhex('D15600000500'),
    'DF02': bytes.fromhex('D15600000501'),
    'DF03': bytes.fromhex('D15600000502'),
    'DF04': bytes.fromhex('D15600000503'),
}

DEFAULT_PIN_TRY_LIMIT: Final[dict[str, int]] = {
    'SSSE': 6,
    'PBOC': 3,
}

PIN_FORMAT: Final[dict[str, str]] = {
    'SSSE': 'BCD',
    'PBOC': 'ISO9564_2',
}

ACCESS_PROFILES: Final[dict[str, int]] = {
    '2.0': 0x20,
    '3.0': 0x30,
}
"""SET ACCESS PROFILE codes (SSC-PERSO-5)."""

ALGORITHM_CODES: Final[dict[str, int]] = {
    '3DES-16': 0x00,
    'SM4': 0x01,
}
"""The SSSE install parameter `algorithm` of each key algorithm (crypto.toml, SSC-KEY-5)."""

PROFILE_ALGORITHMS: Final[dict[str, str]] = {
    '2.0': '3DES-16',
    '3.0': 'SM4',
}
"""The key algorithm of each access profile: a card takes only its own algorithm's (SSC-PERSO-5)."""

MAC_LENGTH: Final = 4
CHALLENGE_LENGTHS: Final = (4, 8, 16)

COMMANDS: Final[dict[str, dict[str, CommandDef]]] = {
    'SSSE': {
        'SELECT': CommandDef('SELECT', 0x00, 0xA4, (0x0400, 0x0200, 0x0300, ), None, None, (Lifecycle.PERSONALISATION, Lifecycle.ISSUED, Lifecycle.ACTIVE, Lifecycle.BLOCKED,), 'select'),
        'READ_RECORD': CommandDef('READ_RECORD', 0x00, 0xB2, None, None, None, (Lifecycle.PERSONALISATION, Lifecycle.ISSUED, Lifecycle.ACTIVE, Lifecycle.BLOCKED,), 'read_record'),
        'UPDATE_RECORD': CommandDef('UPDATE_RECORD', 0x00, 0xDC, None, None, None, (Lifecycle.PERSONALISATION,), 'update_record'),
        'UPDATE_RECORD_SM': CommandDef('UPDATE_RECORD_SM', 0x04, 0xDC, None, 'MAINT', None, (Lifecycle.ACTIVE,), 'update_record'),
        'VERIFY': CommandDef('VERIFY', 0x00, 0x20, (0x0000, ), None, None, (Lifecycle.ACTIVE,), 'verify'),
        'CHANGE_PIN': CommandDef('CHANGE_PIN', 0x80, 0x5E, (0x0100, ), None, None, (Lifecycle.ACTIVE,), 'change_pin'),
        'RELOAD_PIN': CommandDef('RELOAD_PIN', 0x84, 0x5E, (0x0000, ), 'RELOAD', 'RELOAD', (Lifecycle.ACTIVE,), 'reload_pin'),
        'PIN_UNBLOCK': CommandDef('PIN_UNBLOCK', 0x84, 0x24, (0x0000, ), 'UNBLOCK', None, (Lifecycle.ACTIVE,), 'unblock_pin'),
        'GET_CHALLENGE': CommandDef('GET_CHALLENGE', 0x00, 0x84, (0x0000, ), None, None, (Lifecycle.PERSONALISATION, Lifecycle.ISSUED, Lifecycle.ACTIVE, Lifecycle.BLOCKED,), 'get_challenge'),
        'EXTERNAL_AUTHENTICATE': CommandDef('EXTERNAL_AUTHENTICATE', 0x00, 0x82, None, None, None, (Lifecycle.PERSONALISATION, Lifecycle.ISSUED, Lifecycle.ACTIVE, Lifecycle.BLOCKED,), 'external_authenticate'),
        'INTERNAL_AUTHENTICATE': CommandDef('INTERNAL_AUTHENTICATE', 0x00, 0x88, None, None, None, (Lifecycle.ISSUED, Lifecycle.ACTIVE, Lifecycle.BLOCKED,), 'internal_authenticate'),
        'APPLICATION_BLOCK': CommandDef('APPLICATION_BLOCK', 0x84, 0x1E, (0x0000, ), 'MAINT', None, (Lifecycle.ACTIVE, Lifecycle.BLOCKED,), 'transition'),
        'APPLICATION_UNBLOCK': CommandDef('APPLICATION_UNBLOCK', 0x84, 0x18, (0x0000, ), 'MAINT', None, (Lifecycle.BLOCKED,), 'transition'),
        'CARD_BLOCK': CommandDef('CARD_BLOCK', 0x84, 0x16, (0x0000, ), 'MAINT', None, (Lifecycle.ISSUED, Lifecycle.ACTIVE, Lifecycle.BLOCKED,), 'transition'),
        'ACTIVATE': CommandDef('ACTIVATE', 0x84, 0x44, (0x0000, ), 'MAINT', None, (Lifecycle.ISSUED,), 'transition'),
        'RESET_KEY_COUNTER': CommandDef('RESET_KEY_COUNTER', 0x84, 0x2C, (0x0002, 0x0005, 0x0006, ), 'MAINT', None, (Lifecycle.ISSUED, Lifecycle.ACTIVE, Lifecycle.BLOCKED,), 'reset_key_counter'),
        'RESET_MAINT_KEY_COUNTER': CommandDef('RESET_MAINT_KEY_COUNTER', 0x84, 0x2C, (0x0004, ), 'UNBLOCK', None, (Lifecycle.ISSUED, Lifecycle.ACTIVE, Lifecycle.BLOCKED,), 'reset_key_counter'),
        'PUT_KEY': CommandDef('PUT_KEY', 0x80, 0xD8, None, None, 'PERSO', (Lifecycle.PERSONALISATION,), 'put_key'),
        'SET_PIN': CommandDef('SET_PIN', 0x80, 0xD4, (0x0000, ), None, 'PERSO', (Lifecycle.PERSONALISATION,), 'set_pin'),
        'SET_ACCESS_PROFILE': CommandDef('SET_ACCESS_PROFILE', 0x80, 0xDA, (0x0000, ), None, None, (Lifecycle.PERSONALISATION,), 'set_access_profile'),
        'END_PERSONALISATION': CommandDef('END_PERSONALISATION', 0x80, 0xDE, (0x0000, ), None, None, (Lifecycle.PERSONALISATION,), 'end_personalisation'),
    },
    'PBOC': {
        'SELECT': CommandDef('SELECT', 0x00, 0xA4, (0x0400, ), None, None, (Lifecycle.PERSONALISATION, Lifecycle.ISSUED, Lifecycle.ACTIVE, Lifecycle.BLOCKED,), 'select'),
        'READ_RECORD': CommandDef('READ_RECORD', 0x00, 0xB2, None, None, None, (Lifecycle.PERSONALISATION, Lifecycle.ISSUED, Lifecycle.ACTIVE, Lifecycle.BLOCKED,), 'read_record'),
        'UPDATE_RECORD': CommandDef('UPDATE_RECORD', 0x00, 0xDC, None, None, None, (Lifecycle.PERSONALISATION,), 'update_record'),
        'GET_DATA': CommandDef('GET_DATA', 0x80, 0xCA, (0x9F17, 0x9F36, ), None, None, (Lifecycle.ISSUED, Lifecycle.ACTIVE, Lifecycle.BLOCKED,), 'get_data'),
        'VERIFY': CommandDef('VERIFY', 0x00, 0x20, (0x0080, ), None, None, (Lifecycle.ACTIVE,), 'verify'),
        'GET_CHALLENGE': CommandDef('GET_CHALLENGE', 0x00, 0x84, (0x0000, ), None, None, (Lifecycle.PERSONALISATION, Lifecycle.ISSUED, Lifecycle.ACTIVE, Lifecycle.BLOCKED,), 'get_challenge'),
        'EXTERNAL_AUTHENTICATE': CommandDef('EXTERNAL_AUTHENTICATE', 0x00, 0x82, None, None, None, (Lifecycle.PERSONALISATION, Lifecycle.ISSUED, Lifecycle.ACTIVE, Lifecycle.BLOCKED,), 'external_authenticate'),
        'APPLICATION_BLOCK': CommandDef('APPLICATION_BLOCK', 0x84, 0x1E, (0x0000, ), 'MAINT', None, (Lifecycle.ACTIVE, Lifecycle.BLOCKED,), 'transition'),
        'APPLICATION_UNBLOCK': CommandDef('APPLICATION_UNBLOCK', 0x84, 0x18, (0x0000, ), 'MAINT', None, (Lifecycle.BLOCKED,), 'transition'),
        'CARD_BLOCK': CommandDef('CARD_BLOCK', 0x84, 0x16, (0x0000, ), 'MAINT', None, (Lifecycle.ISSUED, Lifecycle.ACTIVE, Lifecycle.BLOCKED,), 'transition'),
        'ACTIVATE': CommandDef('ACTIVATE', 0x84, 0x44, (0x0000, ), 'MAINT', None, (Lifecycle.ISSUED,), 'transition'),
        'PIN_UNBLOCK': CommandDef('PIN_UNBLOCK', 0x84, 0x24, (0x0000, ), 'MAINT', None, (Lifecycle.ACTIVE,), 'unblock_pin'),
        'RELOAD_PIN': CommandDef('RELOAD_PIN', 0x84, 0x24, (0x0002, ), 'MAINT', 'ENC', (Lifecycle.ACTIVE,), 'reload_pin'),
        'PUT_KEY': CommandDef('PUT_KEY', 0x80, 0xD8, None, None, 'PERSO', (Lifecycle.PERSONALISATION,), 'put_key'),
        'SET_PIN': CommandDef('SET_PIN', 0x80, 0xD4, (0x0000, ), None, 'PERSO', (Lifecycle.PERSONALISATION,), 'set_pin'),
        'END_PERSONALISATION': CommandDef('END_PERSONALISATION', 0x80, 0xDE, (0x0000, ), None, None, (Lifecycle.PERSONALISATION,), 'end_personalisation'),
    },
}

KEYS: Final[dict[str, dict[str, KeyDef]]] = {
    'SSSE': {
        'PERSO': KeyDef(0x01, 'KPERSO', ('external_authenticate', 'encipher'), 10),
        'RK': KeyDef(0x02, 'RKSSSE', ('external_authenticate',), 10),
        'IK': KeyDef(0x03, 'IKSSSE', ('internal_authenticate',), None),
        'MAINT': KeyDef(0x04, 'DAMK_SSSE', ('mac',), 15),
        'UNBLOCK': KeyDef(0x05, 'DPUK_SSSE', ('mac',), 15),
        'RELOAD': KeyDef(0x06, 'DRPK_SSSE', ('mac', 'encipher'), 15),
    },
    'PBOC': {
        'PERSO': KeyDef(0x01, 'KPERSO_FIN', ('external_authenticate', 'encipher'), 10),
        'MAINT': KeyDef(0x02, 'MAC_UDK', ('mac',), 15),
        'ENC': KeyDef(0x03, 'ENC_UDK', ('encipher',), None),
    },
}

FILES: Final[dict[str, FileDef]] = {
    'EF05': FileDef('SSSE', '', 0xEF05, 5, (
        Record(1, None, (
            Item(bytes.fromhex('01'), 'card identification code: 6-digit area code + D156000005 + 8 card-unique bytes', 'b', 16, b'\x00'),
        )),
        Record(2, None, (
            Item(bytes.fromhex('02'), 'card type', 'an', 1, b'\x00'),
        )),
        Record(3, None, (
            Item(bytes.fromhex('03'), 'specification version', 'an', 4, b'\x00'),
        )),
        Record(4, None, (
            Item(bytes.fromhex('04'), 'initialising organisation number', 'cn', 12, b'\xff'),
        )),
        Record(5, None, (
            Item(bytes.fromhex('05'), 'issue date YYYYMMDD', 'cn', 4, b'\xff'),
        )),
        Record(6, None, (
            Item(bytes.fromhex('06'), 'expiry date YYYYMMDD', 'cn', 4, b'\xff'),
        )),
        Record(7, None, (
            Item(bytes.fromhex('07'), 'card number: 8 characters + 1 check character', 'an', 9, b'\x00'),
        )),
    )),
    'EF06': FileDef('SSSE', '', 0xEF06, 6, (
        Record(1, None, (
            Item(bytes.fromhex('08'), 'social security number (GB 11643 citizen ID, 18 characters)', 'an', 18, b'\x00'),
        )),
        Record(2, None, (
            Item(bytes.fromhex('09'), 'name (GBK)', 'an', 30, b'\x00'),
        )),
        Record(3, None, (
            Item(bytes.fromhex('4E'), 'name extension (GBK)', 'an', 20, b'\x00'),
        )),
        Record(4, None, (
            Item(bytes.fromhex('0A'), "sex: '1' male, '2' female", 'an', 1, b'\x00'),
        )),
        Record(5, None, (
            Item(bytes.fromhex('0B'), 'ethnicity (GB 3304 code)', 'cn', 1, b'\xff'),
        )),
        Record(6, None, (
            Item(bytes.fromhex('0C'), 'birthplace (6-digit division code)', 'cn', 3, b'\xff'),
        )),
        Record(7, None, (
            Item(bytes.fromhex('0D'), 'birth date YYYYMMDD', 'cn', 4, b'\xff'),
        )),
    )),
    'DF01_EF05': FileDef('SSSE', 'DF01', 0xEF05, 5, (
        Record(1, None, (
            Item(bytes.fromhex('A0'), 'residence address (GBK)', 'an', 40, b'\x00'),
        )),
        Record(2, None, (
            Item(bytes.fromhex('A1'), 'contact telephone', 'an', 16, b'\x00'),
        )),
    )),
    'DF02_EF05': FileDef('SSSE', 'DF02', 0xEF05, 5, (
        Record(1, None, (
            Item(bytes.fromhex('B0'), "employment status ('1' employed, '2' unemployed, '3' retired)", 'an', 1, b'\x00'),
        )),
        Record(2, None, (
            Item(bytes.fromhex('B1'), 'employer unified social credit code', 'an', 18, b'\x00'),
        )),
    )),
    'DF03_EF05': FileDef('SSSE', 'DF03', 0xEF05, 5, (
        Record(1, None, (
            Item(bytes.fromhex('C0'), "pension insurance status ('0' none, '1' contributing, '2' receiving)", 'an', 1, b'\x00'),
        )),
        Record(2, None, (
            Item(bytes.fromhex('C1'), 'first contribution date YYYYMMDD', 'cn', 4, b'\xff'),
        )),
    )),
    'DF04_EF05': FileDef('SSSE', 'DF04', 0xEF05, 5, (
        Record(1, None, (
            Item(bytes.fromhex('D0'), "medical insurance type ('1' employee, '2' resident)", 'an', 1, b'\x00'),
        )),
        Record(2, None, (
            Item(bytes.fromhex('D1'), 'coordination area (6-digit division code)', 'cn', 3, b'\xff'),
        )),
    )),
    'FIN_SFI1': FileDef('PBOC', '', None, 1, (
        Record(1, bytes.fromhex('70'), (
            Item(bytes.fromhex('5A'), 'application PAN (up to 19 digits)', 'cn', 10, b'\xff'),
            Item(bytes.fromhex('5F34'), 'PAN sequence number', 'cn', 1, b'\xff'),
            Item(bytes.fromhex('5F24'), 'application expiration date YYMMDD', 'cn', 3, b'\xff'),
            Item(bytes.fromhex('5F25'), 'application effective date YYMMDD', 'cn', 3, b'\xff'),
        )),
        Record(2, bytes.fromhex('70'), (
            Item(bytes.fromhex('5F20'), 'cardholder name (ASCII, EMV ans)', 'an', 26, b' '),
        )),
    )),
}

DATA_OBJECTS: Final[dict[str, int]] = {
    'PIN_TRY_COUNTER': 0x9F17,
    'ATC': 0x9F36,
}

INSTALL_FIELDS: Final[dict[str, tuple[InstallField, ...]]] = {
    'SSSE': (
        InstallField('version', 1, bytes.fromhex('02')),
        InstallField('algorithm', 1, None),
        InstallField('perso_key', 16, None),
        InstallField('card_unique', 8, None),
    ),
    'PBOC': (
        InstallField('version', 1, bytes.fromhex('01')),
        InstallField('perso_key', 16, None),
    ),
}
"""The applet install parameters of each application, in order (SSC-PERSO-1)."""

EXAMPLE_CARD_UNIQUE: Final = bytes.fromhex('1122334455667788')
EXAMPLE_TRANSPORT_KEYS: Final[dict[str, bytes]] = {
    'SSSE': bytes.fromhex('505152535455565758595A5B5C5D5E5F'),
    'PBOC': bytes.fromhex('707172737475767778797A7B7C7D7E7F'),
}
"""Install parameters of the spec's example card (TEST keys, never for real cards)."""

CLAUSES: Final[dict[str, tuple[int, ...]]] = {
    'SSC-APDU-1': (),
    'SSC-APDU-2': (),
    'SSC-APDU-3': (),
    'SSC-APDU-4': (),
    'SSC-APDU-5': (),
    'SSC-APDU-6': (),
    'SSC-APDU-7': (),
    'SSC-APP-1': (2, 13, 20),
    'SSC-APP-2': (),
    'SSC-APP-3': (21, 24),
    'SSC-APP-4': (),
    'SSC-APP-5': (19,),
    'SSC-APP-6': (),
    'SSC-APP-7': (),
    'SSC-LC-1': (13,),
    'SSC-LC-2': (14, 18),
    'SSC-LC-3': (),
    'SSC-LC-4': (13,),
    'SSC-LC-5': (14,),
    'SSC-LC-6': (15,),
    'SSC-LC-7': (14, 18),
    'SSC-LC-8': (21,),
    'SSC-PIN-1': (20, 21),
    'SSC-PIN-2': (21,),
    'SSC-PIN-3': (21,),
    'SSC-PIN-4': (8, 21),
    'SSC-PIN-5': (),
    'SSC-PIN-6': (8, 24),
    'SSC-PIN-7': (20,),
    'SSC-PIN-8': (6, 21),
    'SSC-PIN-9': (6, 21),
    'SSC-PIN-10': (),
    'SSC-PIN-11': (),
    'SSC-PIN-12': (13, 14),
    'SSC-SM-1': (),
    'SSC-SM-2': (),
    'SSC-SM-3': (),
    'SSC-SM-4': (),
    'SSC-SM-6': (),
    'SSC-SM-7': (),
    'SSC-SM-8': (),
    'SSC-SM-5': (20, 21),
    'SSC-KEY-1': (24,),
    'SSC-KEY-2': (20, 21),
    'SSC-KEY-3': (),
    'SSC-KEY-4': (),
    'SSC-KEY-5': (),
    'SSC-KEY-6': (6, 17),
    'SSC-ACC-1': (24,),
    'SSC-ACC-2': (24,),
    'SSC-ACC-3': (8, 24),
    'SSC-ACC-4': (6, 24),
    'SSC-ACC-5': (14, 15),
    'SSC-FILE-1': (),
    'SSC-FILE-2': (),
    'SSC-FILE-3': (),
    'SSC-FILE-4': (),
    'SSC-FILE-5': (),
    'SSC-PERSO-1': (),
    'SSC-PERSO-2': (),
    'SSC-PERSO-3': (),
    'SSC-PERSO-4': (21,),
    'SSC-PERSO-5': (24,),
    'SSC-FIN-1': (2, 8),
    'SSC-FIN-2': (),
    'SSC-FIN-3': (),
    'SSC-WIN-1': (9,),
    'SSC-WIN-2': (10,),
    'SSC-WIN-3': (11,),
    'SSC-WIN-4': (12, 13),
    'SSC-WIN-5': (12,),
    'SSC-WIN-6': (14,),
    'SSC-WIN-7': (14, 19),
    'SSC-WIN-8': (14, 15),
    'SSC-WIN-9': (16, 17),
    'SSC-WIN-10': (17, 22),
    'SSC-WIN-11': (17, 19),
    'SSC-WIN-12': (18,),
    'SSC-WIN-13': (19,),
    'SSC-WIN-14': (6, 20, 21),
    'SSC-WIN-15': (6, 14),
    'SSC-WIN-16': (9,),
    'SSC-WIN-17': (24,),
    'SSC-WIN-18': (13, 14),
    'SSC-WIN-19': (14, 15),
    'SSC-WIN-20': (18,),
    'SSC-WIN-21': (18,),
    'SSC-WIN-22': (17, 19),
    'SSC-WIN-23': (19,),
    'SSC-WIN-24': (12, 19),
    'SSC-WIN-25': (24,),
    'SSC-WIN-26': (24,),
    'SSC-WIN-27': (13, 14, 18, 24),
    'SSC-WIN-28': (14, 15),
    'SSC-WIN-29': (17, 19),
    'SSC-WIN-30': (9, 10),
    'SSC-WIN-31': (10,),
    'SSC-WIN-32': (10, 12),
    'SSC-WIN-33': (20,),
    'SSC-WIN-34': (6, 9),
    'SSC-WIN-35': (29,),
    'SSC-HOST-1': (),
    'SSC-HOST-2': (24,),
    'SSC-HOST-3': (9, 10, 11),
    'SSC-HOST-4': (6, 21),
    'SSC-HOST-5': (9, 24),
    'SSC-HOST-6': (9,),
    'SSC-HOST-7': (9, 24),
}
"""Clause id -> the regulation articles it serves (empty: a convention only)."""
