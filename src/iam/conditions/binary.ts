import type { ConditionOperator, ValueMatcher } from './operator';

/** `BinaryEquals` compares base64-encoded values byte for byte. */
export const binaryOperators: readonly ConditionOperator[] = [
  {
    name: 'BinaryEquals',
    negated: false,
    compile(policyValue): ValueMatcher {
      const expected = Buffer.from(policyValue, 'base64');
      return function matchBinary(contextValue) {
        return Buffer.from(contextValue, 'base64').equals(expected) ? 'yes' : 'no';
      };
    },
  },
];
