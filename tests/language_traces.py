"""Reasoning traces in eight languages for the language-consistency tests and benchmark: pure, drifting,
code-heavy, math-heavy and very short, written the way R1-style models reason (hesitations, LaTeX, code)."""

from __future__ import annotations

PURE = {
    "zh": (
        "首先，我需要理解题目的意思。题目问的是 $2 + 3 \\times 4$ 等于多少。根据运算顺序，乘法要先于加法计算。"
        "所以我先算 $3 \\times 4 = 12$，然后再加上 2，得到 14。\n\n"
        "等等，让我再检查一下。如果有人从左到右计算，会得到 $(2+3) \\times 4 = 20$，但这是错误的，"
        "因为没有括号的时候乘法的优先级更高。\n\n"
        "嗯，我再确认一遍：$3 \\times 4 = 12$，$12 + 2 = 14$。没错，答案是 14。"
    ),
    "en": (
        "Okay, so I need to figure out what 2 + 3 * 4 is. Let me recall the order of operations: multiplication "
        "comes before addition unless there are parentheses.\n\n"
        "So first I compute 3 * 4, which is 12. Then I add 2 to get 14.\n\n"
        "Wait, let me double-check that. If someone went strictly left to right they would get (2 + 3) * 4 = 20, "
        "but that ignores the precedence rules. Hmm, no, the standard convention is clear here.\n\n"
        "Let me verify once more: $3 \\times 4 = 12$ and $12 + 2 = 14$. Yes, the answer is 14."
    ),
    "es": (
        "Bien, tengo que calcular cuánto es 2 + 3 * 4. Recordemos el orden de las operaciones: la "
        "multiplicación se hace antes que la suma, salvo que haya paréntesis.\n\n"
        "Primero calculo 3 * 4, que da 12. Después sumo 2 y obtengo 14.\n\n"
        "Espera, voy a comprobarlo otra vez. Si alguien operara de izquierda a derecha obtendría "
        "(2 + 3) * 4 = 20, pero eso no respeta la prioridad de las operaciones.\n\n"
        "Verifico de nuevo: $3 \\times 4 = 12$ y $12 + 2 = 14$. Sí, la respuesta es 14."
    ),
    "ja": (
        "まず、問題の意味を確認します。$2 + 3 \\times 4$ を計算する問題です。演算の順序では、"
        "掛け算は足し算より先に行います。\n\n"
        "なので、最初に $3 \\times 4 = 12$ を計算して、それに 2 を足すと 14 になります。\n\n"
        "ちょっと待って、もう一度確認しましょう。左から順番に計算すると $(2+3) \\times 4 = 20$ に"
        "なりますが、括弧がないので掛け算を優先しなければなりません。\n\n"
        "検算：$12 + 2 = 14$。正しいです。答えは 14 です。"
    ),
    "ko": (
        "먼저 문제를 이해해 보겠습니다. $2 + 3 \\times 4$ 의 값을 구하는 문제입니다. 연산 순서에 따르면 "
        "곱셈을 덧셈보다 먼저 계산해야 합니다.\n\n"
        "그래서 먼저 $3 \\times 4 = 12$ 를 계산하고, 여기에 2를 더하면 14가 됩니다.\n\n"
        "잠깐, 다시 확인해 보겠습니다. 왼쪽부터 차례로 계산하면 $(2+3) \\times 4 = 20$ 이 되지만, "
        "괄호가 없으므로 곱셈을 먼저 해야 합니다.\n\n"
        "검산하면 $12 + 2 = 14$ 입니다. 따라서 답은 14입니다."
    ),
    "ru": (
        "Итак, нужно вычислить значение выражения 2 + 3 * 4. Вспомним порядок действий: умножение "
        "выполняется раньше сложения, если нет скобок.\n\n"
        "Сначала считаю 3 * 4, получается 12. Затем прибавляю 2 и получаю 14.\n\n"
        "Подождите, проверю ещё раз. Если считать строго слева направо, получится (2 + 3) * 4 = 20, но это "
        "нарушает приоритет операций.\n\n"
        "Проверка: $3 \\times 4 = 12$ и $12 + 2 = 14$. Да, ответ равен 14."
    ),
    "fr": (
        "Bon, je dois calculer la valeur de 2 + 3 * 4. Rappelons l'ordre des opérations : la multiplication "
        "passe avant l'addition, sauf s'il y a des parenthèses.\n\n"
        "Je calcule d'abord 3 * 4, ce qui donne 12. Ensuite j'ajoute 2 et j'obtiens 14.\n\n"
        "Attends, vérifions encore une fois. Si on calculait de gauche à droite, on obtiendrait "
        "(2 + 3) * 4 = 20, mais cela ne respecte pas la priorité des opérations.\n\n"
        "Je vérifie : $3 \\times 4 = 12$ et $12 + 2 = 14$. Oui, la réponse est 14."
    ),
    "de": (
        "Also, ich muss den Wert von 2 + 3 * 4 berechnen. Erinnern wir uns an die Reihenfolge der "
        "Rechenoperationen: Punktrechnung geht vor Strichrechnung, solange keine Klammern stehen.\n\n"
        "Zuerst rechne ich 3 * 4, das ergibt 12. Danach addiere ich 2 und erhalte 14.\n\n"
        "Moment, ich prüfe das noch einmal. Wenn man stur von links nach rechts rechnet, bekommt man "
        "(2 + 3) * 4 = 20, aber das verletzt die Vorrangregeln.\n\n"
        "Kontrolle: $3 \\times 4 = 12$ und $12 + 2 = 14$. Ja, die Antwort ist 14."
    ),
}

# A zh chain of thought that drifts into English for one passage (the R1 failure the reward targets).
ZH_EN_PASSAGE = "Wait, let me reconsider the whole problem from the beginning, because I might have made a mistake."
ZH_WITH_EN = (
    "首先，我需要理解题目的意思。根据运算顺序，乘法要先于加法计算。\n\n"
    + ZH_EN_PASSAGE + "\n\n"
    "好的，我再确认一遍：三乘四等于十二，再加二等于十四。答案是十四。"
)

# An English chain of thought that slips into Chinese halfway, as R1-Zero did.
EN_WITH_ZH = (
    "Let me think about how many ways there are to choose 2 items from 5. The formula is n choose k.\n\n"
    "所以我们需要计算五乘四除以二，结果是十。\n\n"
    "So the answer should be 10. Let me verify by listing the pairs quickly to be sure."
)

# Spanish reasoning that switches to English for the check, and French that slips into German.
ES_WITH_EN = (
    "Primero calculo el área del rectángulo: la base es 5 y la altura es 3, así que el área es 15.\n\n"
    "Now let me double check this result using a different method to make sure it is right.\n\n"
    "Sí, el área del rectángulo es 15 unidades cuadradas."
)
FR_WITH_DE = (
    "Je dois trouver le plus grand diviseur commun de 12 et de 18. Les diviseurs de 12 sont 1, 2, 3, 4, 6 et 12.\n\n"
    "Die Teiler von 18 sind 1, 2, 3, 6, 9 und 18, also ist der größte gemeinsame Teiler gleich 6.\n\n"
    "Donc la réponse est 6."
)
JA_WITH_EN = (
    "まず、円の面積の公式を思い出します。面積は半径の二乗に円周率を掛けたものです。\n\n"
    "Let me compute this carefully, the radius is three so the area is nine times pi.\n\n"
    "したがって、答えは 9π です。"
)

# Code- and math-heavy traces: most of the text is code or LaTeX, the prose is still the target language.
EN_CODE_HEAVY = (
    "I will write a function that returns the sum of the squares of a list.\n\n"
    "```python\n"
    "def sum_of_squares(values: list[int]) -> int:\n"
    "    total = 0\n"
    "    for value in values:\n"
    "        total += value * value\n"
    "    return total\n"
    "```\n\n"
    "Let me test it mentally: for `[1, 2, 3]` the function gives `1 + 4 + 9 = 14`, which is correct. "
    "The call `sum_of_squares([])` returns 0 because the loop never runs."
)
ZH_CODE_HEAVY = (
    "我们需要写一个函数，计算列表中所有元素的平方和。\n\n"
    "```python\n"
    "def sum_of_squares(values):\n"
    "    # iterate over every value and accumulate its square\n"
    "    return sum(v * v for v in values)\n"
    "```\n\n"
    "测试一下：对于 `[1, 2, 3]`，函数 sum_of_squares 返回 14，结果正确。空列表返回 0。"
)
ZH_MATH_HEAVY = (
    "设 $f(x) = x^2 - 4x + 3$，求 $f(x) = 0$ 的根。\n\n"
    "$$x = \\frac{4 \\pm \\sqrt{16 - 12}}{2} = \\frac{4 \\pm 2}{2}$$\n\n"
    "所以 $x_1 = 3$，$x_2 = 1$。验证：\\[ f(3) = 9 - 12 + 3 = 0, \\quad f(1) = 1 - 4 + 3 = 0. \\]\n"
    "因此两个根分别是 1 和 3。"
)
EN_MATH_HEAVY = (
    "We solve $x^2 - 4x + 3 = 0$ with the quadratic formula.\n\n"
    "$$x = \\frac{4 \\pm \\sqrt{16 - 12}}{2} = \\frac{4 \\pm 2}{2}$$\n\n"
    "So $x_1 = 3$ and $x_2 = 1$. Check: \\( f(3) = 9 - 12 + 3 = 0 \\) and \\( f(1) = 0 \\).\n"
    "Therefore the two roots are 1 and 3."
)

# Nothing countable: only math, only code, only numbers.
MATH_ONLY = "$$x^2 - 4x + 3 = 0$$\n\\[ x = \\frac{4 \\pm 2}{2} \\]\n3 * 4 = 12, 2 + 12 = 14"
CODE_ONLY = "```python\ndef f(x):\n    return x * x + 1\n```\n`f(3) == 10`"
NUMBERS_ONLY = "2 + 3 = 5, 5 * 4 = 20; 3 * 4 = 12, 2 + 12 = 14."

# Very short traces.
SHORT = {
    "zh": "答案是十四。",
    "en": "The answer is fourteen.",
    "ko": "답은 14입니다.",
    "ru": "Ответ равен четырнадцати.",
}

# Russian and Korean reasoning that switch to English, German reasoning around code.
RU_WITH_EN = (
    "Нужно найти сумму первых десяти натуральных чисел. Используем формулу суммы арифметической прогрессии.\n\n"
    "So the sum is ten times eleven divided by two, which gives fifty five.\n\n"
    "Итак, ответ равен 55."
)
KO_WITH_EN = (
    "삼각형의 넓이를 구해야 합니다. 밑변은 6이고 높이는 4입니다.\n\n"
    "The area of a triangle is half of the base times the height.\n\n"
    "따라서 넓이는 12입니다."
)
DE_CODE_HEAVY = (
    "Ich schreibe eine Funktion, die prüft, ob eine Zahl eine Primzahl ist.\n\n"
    "```python\n"
    "def is_prime(n: int) -> bool:\n"
    "    if n < 2:\n"
    "        return False\n"
    "    return all(n % d for d in range(2, int(n ** 0.5) + 1))\n"
    "```\n\n"
    "Für `n = 7` liefert `is_prime(7)` den Wert `True`, für `n = 8` dagegen `False`. Das passt."
)

# One-paragraph traces in more languages (scripts: Arabic, Devanagari, Greek, Hebrew, Thai, Cyrillic, Latin).
MORE_PURE = {
    "ar": "أولاً نحسب حاصل ضرب ثلاثة في أربعة فيكون اثني عشر. ثم نضيف اثنين فنحصل على أربعة عشر. إذن الجواب هو "
          "أربعة عشر.",
    "hi": "पहले हम तीन और चार का गुणा करते हैं, जो बारह होता है। फिर हम दो जोड़ते हैं और चौदह मिलता है। इसलिए उत्तर "
          "चौदह है।",
    "el": "Πρώτα υπολογίζουμε το γινόμενο του τρία επί τέσσερα που είναι δώδεκα. Μετά προσθέτουμε δύο και "
          "παίρνουμε δεκατέσσερα.",
    "he": "קודם נחשב את המכפלה של שלוש כפול ארבע שהיא שתים עשרה. אחר כך נוסיף שתיים ונקבל ארבע עשרה.",
    "th": "ก่อนอื่นเราคูณสามกับสี่ได้สิบสอง จากนั้นบวกสองได้สิบสี่ ดังนั้นคำตอบคือสิบสี่",
    "vi": "Đầu tiên ta tính tích của ba và bốn, được mười hai. Sau đó cộng thêm hai thì được mười bốn. Vậy đáp án "
          "là mười bốn.",
    "pt": "Primeiro calculamos o produto de três por quatro, que dá doze. Depois somamos dois e obtemos catorze. "
          "Então a resposta é catorze.",
    "it": "Prima calcoliamo il prodotto di tre per quattro, che fa dodici. Poi aggiungiamo due e otteniamo "
          "quattordici. Quindi la risposta è quattordici.",
    "uk": "Спочатку обчислимо добуток трьох на чотири, це дванадцять. Потім додамо два і отримаємо чотирнадцять. "
          "Отже, відповідь чотирнадцять.",
    "tr": "Önce üç ile dördün çarpımını hesaplıyoruz, bu on iki eder. Sonra iki ekliyoruz ve on dört buluyoruz. "
          "Yani cevap on dört.",
    "id": "Pertama kita hitung hasil kali tiga dan empat, yaitu dua belas. Lalu kita tambahkan dua dan mendapatkan "
          "empat belas.",
    "fa": "ابتدا حاصل ضرب سه در چهار را حساب می‌کنیم که دوازده می‌شود. سپس دو را اضافه می‌کنیم و چهارده به دست "
          "می‌آید.",
}
