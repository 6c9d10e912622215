/// Tokens of the SQL subset runbooks use, each with its line and column.
struct SQLToken: Equatable {
    enum Kind: Equatable {
        case identifier(String)  // lower-cased unless quoted
        case string(String)
        case number(String)
        case symbol(String)  // ( ) , ; [ ] := => = :: * . -
    }

    var kind: Kind
    var line: Int
    var column: Int
    /// The token as written (for messages).
    var text: String = ""
}

/// Splits runbook text into tokens; `--` and `/* */` comments are skipped.
struct SQLLexer {
    struct LexError: Error { var line: Int; var column: Int; var message: String }

    static func tokens(_ text: String) throws -> [SQLToken] {
        let chars = Array(text.unicodeScalars)
        var out: [SQLToken] = []
        var i = 0, line = 1, col = 1
        func advance(_ n: Int = 1) {
            for _ in 0..<n where i < chars.count {
                if chars[i] == "\n" { line += 1; col = 1 } else { col += 1 }
                i += 1
            }
        }
        func peek(_ k: Int = 0) -> Unicode.Scalar? { i + k < chars.count ? chars[i + k] : nil }
        /// The text between `quote` here and its closing twin (a doubled quote stands for one).
        func quoted(_ quote: Unicode.Scalar, unclosed: String, line l: Int, column cl: Int) throws -> String {
            advance()
            var s = ""
            while true {
                guard let d = peek() else { throw LexError(line: l, column: cl, message: unclosed) }
                if d == quote {
                    if peek(1) == quote { s.unicodeScalars.append(quote); advance(2); continue }
                    advance()
                    return s
                }
                s.unicodeScalars.append(d)
                advance()
            }
        }
        while let c = peek() {
            let (l, cl) = (line, col)
            if c == " " || c == "\t" || c == "\n" || c == "\r" { advance(); continue }
            if c == "-" && peek(1) == "-" {
                while let d = peek(), d != "\n" { _ = d; advance() }
                continue
            }
            if c == "/" && peek(1) == "*" {
                advance(2)
                while peek() != nil && !(peek() == "*" && peek(1) == "/") { advance() }
                guard peek() != nil else { throw LexError(line: l, column: cl, message: "a /* comment is never closed") }
                advance(2)
                continue
            }
            if c == "'" || ((c == "E" || c == "e") && peek(1) == "'") {
                if c != "'" { advance() }
                let s = try quoted("'", unclosed: "a string literal is never closed (a `'` is missing)", line: l, column: cl)
                out.append(SQLToken(kind: .string(s), line: l, column: cl))
                continue
            }
            if c == "$", let tag = dollarTag(chars, at: i) {
                // A dollar-quoted string ($$...$$ or $tag$...$tag$), as the docs quote commands
                // for run_command_on_workers: the body is taken as written, up to the same tag.
                advance(tag.count)
                var s = ""
                while !(i + tag.count <= chars.count && Array(chars[i..<(i + tag.count)]) == tag) {
                    guard let d = peek() else {
                        throw LexError(line: l, column: cl, message: "a dollar-quoted string is never closed (a closing `\(tag.map(String.init).joined())` is missing)")
                    }
                    s.unicodeScalars.append(d)
                    advance()
                }
                advance(tag.count)
                out.append(SQLToken(kind: .string(s), line: l, column: cl))
                continue
            }
            if c == "\"" {
                let s = try quoted("\"", unclosed: "a quoted identifier is never closed (a `\"` is missing)", line: l, column: cl)
                out.append(SQLToken(kind: .identifier(s), line: l, column: cl))
                continue
            }
            if c.properties.isAlphabetic || c == "_" {
                var s = ""
                while let d = peek(), d.properties.isAlphabetic || d.properties.numericType != nil || d == "_" || d == "$" {
                    s.unicodeScalars.append(d)
                    advance()
                }
                out.append(SQLToken(kind: .identifier(s.lowercased()), line: l, column: cl, text: s))
                continue
            }
            if ("0"..."9").contains(c) || (c == "." && peek(1).map { ("0"..."9").contains($0) } == true) {
                var s = ""
                while let d = peek(), ("0"..."9").contains(d) || d == "." || d == "e" || d == "E" || ((d == "-" || d == "+") && (s.last == "e" || s.last == "E")) {
                    s.unicodeScalars.append(d)
                    advance()
                }
                out.append(SQLToken(kind: .number(s), line: l, column: cl))
                continue
            }
            if let next = peek(1), [":=", "=>", "::"].contains(String(c) + String(next)) {
                out.append(SQLToken(kind: .symbol(String(c) + String(next)), line: l, column: cl))
                advance(2)
                continue
            }
            if "(),;[]=*.-+".unicodeScalars.contains(c) {
                out.append(SQLToken(kind: .symbol(String(c)), line: l, column: cl))
                advance()
                continue
            }
            throw LexError(line: l, column: cl, message: "unexpected character `\(c)`")
        }
        return out
    }

    /// The opening tag of a dollar-quoted string at `start` (`$$` or `$name$`; a name does not
    /// start with a digit, so `$1` is no tag), or nil.
    static func dollarTag(_ chars: [Unicode.Scalar], at start: Int) -> [Unicode.Scalar]? {
        var j = start + 1
        while j < chars.count, chars[j] != "$" {
            let d = chars[j]
            guard d.properties.isAlphabetic || d == "_" || (j > start + 1 && ("0"..."9").contains(d)) else { return nil }
            j += 1
        }
        return j < chars.count ? Array(chars[start...j]) : nil
    }
}
