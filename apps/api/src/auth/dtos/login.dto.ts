import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { ROLES, type Role } from '@duban/domain';

export class LoginDto {
  @ApiProperty({ example: 'office' })
  @IsString()
  @Length(1, 64)
  username!: string;

  @ApiProperty({ example: '••••••••' })
  @IsString()
  @Length(1, 128)
  password!: string;

  @ApiPropertyOptional({ description: '动态验证码（已启用双因素认证时必填）', example: '123456' })
  @IsOptional()
  @IsString()
  @Matches(/^\d{6}$/)
  totp?: string;
}

export class RefreshDto {
  @ApiPropertyOptional({ description: '登录时返回的 refreshToken（浏览器以 Cookie 保存时不传）' })
  @IsOptional()
  @IsString()
  @Length(10, 200)
  refreshToken?: string;
}

export class ChangePasswordDto {
  @ApiProperty()
  @IsString()
  @Length(1, 128)
  currentPassword!: string;

  @ApiProperty({ description: '至少 8 位，包含大写字母、小写字母、数字、符号中的至少三类，不含用户名' })
  @IsString()
  @Length(1, 128)
  newPassword!: string;
}

export class TotpCodeDto {
  @ApiProperty({ example: '123456' })
  @IsString()
  @Matches(/^\d{6}$/)
  code!: string;
}

/** Needed only to replace a second factor already enabled: one of the two proves the session's owner is present. */
export class TotpSetupDto {
  @ApiPropertyOptional({ description: '当前密码（已启用动态验证码时，与 code 二选一）' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  currentPassword?: string;

  @ApiPropertyOptional({ description: '当前绑定的动态验证码（已启用动态验证码时，与 currentPassword 二选一）', example: '123456' })
  @IsOptional()
  @IsString()
  @Matches(/^\d{6}$/)
  code?: string;
}

export class AuthPolicyDto {
  @ApiProperty({ description: '须启用动态验证码的角色', enum: ROLES, isArray: true })
  @IsArray()
  @ArrayMaxSize(ROLES.length)
  @ArrayUnique()
  @IsIn(ROLES, { each: true })
  totpRequiredRoles!: Role[];
}
