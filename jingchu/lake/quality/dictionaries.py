"""Dictionaries (代码表) an `enum` rule may name, besides those a rule file declares itself.

Reference lists given to the engine (`references=`, e.g. "regions") take precedence over these
built-in ones under the same name."""

from __future__ import annotations

from typing import Any

# GB/T 2261.1 sex: the written values most datasets hold, and the standard's codes.
GENDER = ["男", "女"]
GENDER_CODE = ["0", "1", "2", "9"]  # 未知的性别, 男性, 女性, 未说明的性别
# GB 3304: the 56 ethnic groups by name, in the standard's order.
ETHNICITY = (  # noqa: SIM905 (56 names read better without 112 quotes)
    "汉族 蒙古族 回族 藏族 维吾尔族 苗族 彝族 壮族 布依族 朝鲜族 满族 侗族 瑶族 白族 土家族 "
    "哈尼族 哈萨克族 傣族 黎族 傈僳族 佤族 畲族 高山族 拉祜族 水族 东乡族 纳西族 景颇族 "
    "柯尔克孜族 土族 达斡尔族 仫佬族 羌族 布朗族 撒拉族 毛南族 仡佬族 锡伯族 阿昌族 普米族 "
    "塔吉克族 怒族 乌孜别克族 俄罗斯族 鄂温克族 德昂族 保安族 裕固族 京族 塔塔尔族 独龙族 "
    "鄂伦春族 赫哲族 门巴族 珞巴族 基诺族"
).split()
# GB/T 2261.2 marital status codes: 未婚, 已婚, 初婚, 再婚, 复婚, 丧偶, 离婚, 未说明.
MARITAL_STATUS_CODE = ["10", "20", "21", "22", "23", "30", "40", "90"]

BUILTIN: dict[str, list[str]] = {
    "gender": GENDER,
    "gender_code": GENDER_CODE,
    "ethnicity": ETHNICITY,
    "marital_status_code": MARITAL_STATUS_CODE,
}

# Lists the engine is given rather than knows: the platform's region codes.
SUPPLIED = ("regions", "regions12")


def known(name: str) -> bool:
    return name in BUILTIN or name in SUPPLIED


def reference_values(name: str, references: dict[str, list[Any]]) -> list[Any] | None:
    """The values of a named list: given to the engine, else built in, else None."""
    if name in references:
        return list(references[name])
    if name in BUILTIN:
        return list(BUILTIN[name])
    return None
