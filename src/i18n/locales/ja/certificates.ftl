# Reserved.
