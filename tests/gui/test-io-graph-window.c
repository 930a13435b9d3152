/* placeholder being replaced (not for commit) */
int main (void) { return 77; }
