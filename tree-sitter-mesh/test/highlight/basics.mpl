pub fn total(items :: List<Int>) -> Int do
# <- keyword.modifier
#   ^ keyword
#      ^ function
#            ^ variable.parameter
#                     ^ type
  let sum = items |> List.sum()
# ^ keyword
#     ^ variable
#                 ^ operator
#                         ^ function.method.call
  "total: ${sum}" <> :done
# ^ string
#                    ^ string.special.symbol
end
# <- keyword
