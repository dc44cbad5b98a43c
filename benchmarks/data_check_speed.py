"""How long the training-data checks take on ~3,000 synthetic examples (near-duplicate and
leakage search), to keep `sakot data check` fast enough to run in every CI build."""

from __future__ import annotations

import random
import time

from tooling import data_check as check
from tooling.nlu_data import Example


def main() -> None:
    rng = random.Random(3)
    words = ("โอน เงิน บัญชี ไลน์ เฟซ แอป ร้าน ของ ส่ง ค่ะ ครับ เขา บอก ให้ ไป แล้ว ไม่ ได้ "
             "รับ คืน ลงทุน กู้ งาน ตำรวจ พัสดุ รางวัล โทร มา หลอก บาท พัน หมื่น วัน นี้").split()

    def sentence() -> str:
        return " ".join(rng.choice(words) for _ in range(rng.randint(4, 16)))

    train = [Example(sentence(), "inform", None, (), f"t:{i}") for i in range(3000)]
    heldout = [Example(sentence(), "inform", None, (), f"h:{i}") for i in range(600)]
    start = time.perf_counter()
    check.near_duplicates(train)
    middle = time.perf_counter()
    check.leaks(train, heldout)
    end = time.perf_counter()
    print(f"near-duplicates over 3,000: {middle - start:.2f} s; leakage 600 x 3,000: "
          f"{end - middle:.2f} s")


if __name__ == "__main__":
    main()
